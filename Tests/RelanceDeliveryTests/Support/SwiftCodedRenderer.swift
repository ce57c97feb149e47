import Foundation
import RelanceCore
import RelanceStore
@testable import RelanceDelivery


/// The Swift-coded texts relance shipped before templates (commit 2a798ab), kept as the
/// reference the shipped templates must reproduce.
///
/// Privacy: no message body, procedure or patient name, except rule 8's full
/// text, which the practitioner asked for. Links are signed per recipient.
struct SwiftCodedRenderer: Sendable {
    let links: SignInLink

    init(links: SignInLink) { self.links = links }

    func render(_ item: OutboxItem, fullText: String? = nil) -> Rendered {
        let r = item.delivery.recipient
        let en = r.locale == "en"
        let link = links.url(recipient: r, requestID: item.requestID ?? 0, issuedAt: item.decidedAt)
        let expiry = LocalDate.dateTime(item.decidedAt.addingTimeInterval(links.ttl), timezone: r.timezone, locale: r.locale)
        let hello = en ? "Hello \(r.displayName)," : "Bonjour \(r.displayName),"
        let linkNote = en ? "This sign-in link is valid until \(expiry)." : "Ce lien de connexion est valable jusqu'au \(expiry)."
        var paragraphs: [String] = []
        var subject: String
        var sms: String
        var action: (label: String, url: String)? = (en ? "Open the request" : "Ouvrir la demande", link)

        switch item.rule {
        case .patientMessageAlert:
            let first = item.reason != "new_message"
            subject = first ? (en ? "New patient request" : "Nouvelle demande d'un patient")
                            : (en ? "New message from a patient" : "Nouveau message d'un patient")
            paragraphs = [first ? (en ? "You have received a new request on the patient messaging service."
                                      : "Vous avez reçu une nouvelle demande sur la messagerie patients.")
                                : (en ? "A patient has written again about a request."
                                      : "Un patient a écrit un nouveau message sur une demande en cours.")]
            sms = en ? "New patient request: \(link)" : "Nouvelle demande patient : \(link)"
        case .digest:
            let n = item.content.count ?? 0
            subject = en ? "\(n) requests are waiting for you" : "\(n) demandes de patients attendent votre réponse"
            paragraphs = [en ? "\(n) patient requests have not been handled yet."
                             : "\(n) demandes de patients ne sont pas encore traitées.",
                          en ? "Patients appreciate an early answer." : "Les patients apprécient une réponse rapide."]
            action = (en ? "See my requests" : "Voir mes demandes", links.baseURL + "/demandes")
            sms = subject
        case .reminder:
            subject = en ? "Reminder: a request is waiting for your answer" : "Rappel : une demande attend votre réponse"
            paragraphs = [en ? "A patient request received two business days ago has not been answered yet."
                             : "Une demande de patient reçue il y a deux jours ouvrés n'a pas encore reçu de réponse.",
                          en ? "If you answered by phone or in person, mark it as handled outside the site."
                             : "Si vous avez répondu par téléphone ou au cabinet, indiquez-le avec « Contact en dehors du site »."]
            sms = en ? "Reminder: a request awaits you \(link)" : "Rappel : une demande vous attend \(link)"
        case .nearbyProposal:
            subject = en ? "Other practitioners near you can answer" : "D'autres praticiens proches peuvent vous répondre"
            let intro: String
            switch item.reason {
            case "refused": intro = en ? "The practitioner you wrote to cannot take your request."
                                       : "Le praticien que vous avez contacté ne peut pas donner suite à votre demande."
            default: intro = en ? "The practitioner you wrote to has not been able to answer yet."
                                : "Le praticien que vous avez contacté n'a pas encore pu vous répondre."
            }
            paragraphs = [intro, en ? "These practitioners nearby can receive your request:"
                                    : "Ces praticiens proches de chez vous peuvent recevoir votre demande :"]
            for option in item.content.nearby ?? [] {
                let distance = String(format: "%.1f", option.distanceKm).replacingOccurrences(of: ".", with: en ? "." : ",")
                let url = links.url(recipient: r, requestID: item.requestID ?? 0, issuedAt: item.decidedAt,
                                    proposing: option.practitionerID)
                paragraphs.append("• \(option.displayName)\(option.specialty.map { " (\($0))" } ?? ""), \(distance) km : \(url)")
            }
            action = nil
            sms = en ? "Other practitioners nearby can answer you: \(link)" : "D'autres praticiens proches peuvent vous répondre : \(link)"
        case .replyAlert:
            subject = en ? "You have received an answer" : "Vous avez reçu une réponse"
            paragraphs = [en ? "Your practitioner has answered your request on the secure messaging service."
                             : "Votre praticien a répondu à votre demande sur la messagerie sécurisée."]
            action = (en ? "Read the answer" : "Lire la réponse", link)
            sms = en ? "You have an answer: \(link)" : "Vous avez reçu une réponse : \(link)"
        case .fullTextForward:
            subject = en ? "Patient message (full text)" : "Message d'un patient (texte intégral)"
            paragraphs = [en ? "At your request, here is the full text of the message:" : "À votre demande, voici le texte intégral du message :",
                          fullText ?? ""]
            sms = subject
        case .closureAutoReply:
            let until = item.content.closureEndsOn.flatMap { CivilDate(iso: $0) }
            let day = until.map { LocalDate.day($0, locale: r.locale) } ?? "?"
            subject = en ? "The practice is closed until \(day)" : "Le cabinet est fermé jusqu'au \(day) inclus"
            paragraphs = [en ? "Your request has been received, but the practice is closed until \(day) inclusive."
                             : "Votre demande a bien été reçue, mais le cabinet est fermé jusqu'au \(day) inclus.",
                          en ? "In an emergency, call 15 (SAMU) or 112."
                             : "En cas d'urgence, appelez le 15 (SAMU) ou le 112."]
            action = nil
            sms = subject
        }

        var text = [hello, ""] + paragraphs.flatMap { [$0, ""] }
        // A validity date only under a signed link: the digest's page link promises nothing.
        let note = action.map { $0.url.contains("jeton=") } == true ? linkNote : nil
        if let action { text += ["\(action.label) : \(action.url)", ""] + (note.map { [$0, ""] } ?? []) }
        text.append(en ? "This message was sent automatically; please do not reply."
                       : "Ce message est envoyé automatiquement, merci de ne pas y répondre.")
        let html = Self.html(hello: hello, paragraphs: paragraphs, action: action,
                             note: note, footer: text.last!)
        return Rendered(subject: subject, text: text.joined(separator: "\n"), html: html, sms: sms)
    }

    static func html(hello: String, paragraphs: [String], action: (label: String, url: String)?, note: String?, footer: String) -> String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        var body = ["<!DOCTYPE html>", "<html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"></head>",
                    "<body style=\"font-family:sans-serif;font-size:16px;line-height:1.5;max-width:36em\">",
                    "<p>\(esc(hello))</p>"]
        body += paragraphs.map { "<p>\(esc($0).replacingOccurrences(of: "\n", with: "<br>"))</p>" }
        if let action {
            body.append("<p><a href=\"\(esc(action.url))\" style=\"display:inline-block;padding:12px 20px;background:#107ACA;color:#fff;text-decoration:none;border-radius:4px\">\(esc(action.label))</a></p>")
        }
        if let note { body.append("<p style=\"color:#555;font-size:14px\">\(esc(note))</p>") }
        body += ["<p style=\"color:#555;font-size:13px\">\(esc(footer))</p>", "</body></html>"]
        return body.joined(separator: "\n")
    }
}
