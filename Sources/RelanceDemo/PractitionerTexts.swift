/// What practitioners and their assistants write back.
enum PractitionerTexts {
    static let days = ["lundi", "mardi", "mercredi", "jeudi", "vendredi"]

    /// A reply that settles the request, fitting its procedure.
    static func reply(procedure: String?, english: Bool, byAssistant: Bool, signature: String,
                      using rng: inout SplitMix64) -> String {
        let hour = rng.int(8...18), minute = rng.pick(["00", "15", "30", "45"])
        let day = rng.pick(days)
        if english {
            return "Hello,\nWe can see you on \(day) at \(hour):\(minute). Please bring your carte Vitale.\n"
                + "Best regards,\n\(signature)"
        }
        let body: String
        switch procedure {
        case "renouvellement d'ordonnance", "renouvellement de lunettes":
            body = "Votre ordonnance est prête, vous pouvez passer la récupérer au cabinet dès \(day)."
        case "certificat médical":
            body = "Le certificat nécessite un examen : je vous propose \(day) à \(hour) h \(minute)."
        case "résultats d'analyses":
            body = "Il n'y a rien d'inquiétant dans vos résultats. Nous en reparlerons à votre prochaine consultation."
        case "urgence dentaire", "extraction":
            body = "Nous pouvons vous recevoir en urgence \(day) à \(hour) h \(minute). "
                + "En attendant, vous pouvez prendre du paracétamol."
        case "blanchiment":
            body = "Un devis nécessite un premier rendez-vous d'examen : \(day) à \(hour) h \(minute) vous convient-il ?"
        default:
            body = rng.pick([
                "Je vous propose un rendez-vous \(day) à \(hour) h \(minute). Merci de confirmer par retour de message.",
                "C'est noté, je vous ai réservé un créneau \(day) à \(hour) h \(minute). Pensez à votre carte Vitale.",
                "Oui, c'est possible. Prenez rendez-vous en ligne sur le créneau de \(day) matin, il reste de la place.",
                "Merci pour votre message. Venez \(day) à \(hour) h \(minute), pensez à apporter vos derniers comptes rendus.",
            ])
        }
        let greeting = byAssistant ? "Bonjour, le secrétariat vous répond." : "Bonjour,"
        return "\(greeting)\n\(body)\nBien cordialement,\n\(signature)"
    }

    /// A second reply, after the patient wrote back.
    static func secondReply(english: Bool, signature: String, using rng: inout SplitMix64) -> String {
        english ? "Of course, see you soon.\n\(signature)"
            : rng.pick(["Pas de souci, à bientôt.", "Oui, c'est possible, je note le changement.",
                        "Non, inutile de venir à jeun. À bientôt.", "Bien reçu, merci."]) + "\n\(signature)"
    }

    /// The message sent with a refusal, when the practitioner writes one.
    static func refusal(_ reason: String, english: Bool, signature: String) -> String? {
        switch (reason, english) {
        case ("not_practised", false):
            return "Bonjour,\nNous ne pratiquons pas cet acte au cabinet actuellement. "
                + "Je vous invite à vous adresser à un confrère.\nCordialement,\n\(signature)"
        case ("not_interested", false):
            return "Bonjour,\nJe ne prends malheureusement plus de nouveaux patients pour le moment. "
                + "Désolé de ne pouvoir vous aider.\n\(signature)"
        case ("duplicate", false):
            return "Bonjour,\nVotre demande a déjà été enregistrée, nous y répondons dans votre premier message.\n\(signature)"
        case ("not_practised", true), ("not_interested", true):
            return "Hello,\nI am sorry, we cannot take your request. Please contact another practitioner.\n\(signature)"
        case ("duplicate", true):
            return "Hello,\nYour request is already registered.\n\(signature)"
        default:
            return nil
        }
    }
}
