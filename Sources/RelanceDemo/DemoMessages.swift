import Foundation
import RelanceCore

/// A message row as the demo writes it; times are whole seconds since 1970.
struct DemoMessage {
    /// Index of the request in creation order (its id minus one).
    var request: Int
    var author: String
    var authorID: Int64
    var body: String
    var created: Int
    var deliverAt: Int?
    var readAt: Int?
    var id: Int64 = 0
}

/// Writes each request's conversation: the patient's first message, their
/// own reminders, the practitioner's or assistant's reply (sometimes deferred)
/// and the exchanges after it.
struct MessageFactory {
    let people: DemoPeople
    let now: Int
    var rng: SplitMix64
    /// Replies deferred past `now` still to make (rule 7 must wait for them).
    private var pendingBudget = 8
    private let assistantsOf: [Int: [DemoAssistant]]

    init(people: DemoPeople, now: Int, rng: SplitMix64) {
        self.people = people
        self.now = now
        self.rng = rng
        assistantsOf = Dictionary(grouping: people.assistants, by: \.practitioner)
    }

    static let hour = 3600, day = 86_400

    /// All messages, in creation order with their ids set.
    mutating func make(for requests: [DemoRequest]) -> [DemoMessage] {
        var messages: [DemoMessage] = []
        for (k, r) in requests.enumerated() { conversation(k, r, into: &messages) }
        let order = messages.indices.sorted {
            (messages[$0].created, messages[$0].request, $0) < (messages[$1].created, messages[$1].request, $1)
        }
        return order.enumerated().map { position, i in
            var m = messages[i]
            m.id = Int64(position + 1)
            return m
        }
    }

    private mutating func conversation(_ k: Int, _ r: DemoRequest, into messages: inout [DemoMessage]) {
        let practitioner = people.practitioners[r.practitioner]
        let calendar = practitioner.calendar
        let patient = people.patients[r.patient]
        let english = patient.locale == "en"
        messages.append(DemoMessage(
            request: k, author: "patient", authorID: patient.id,
            body: PatientTexts.request(procedure: r.procedure, toDoctor: practitioner.displayName.hasPrefix("Dr "),
                                       patientName: patient.displayName, english: english,
                                       secondary: r.source != nil, using: &rng),
            created: r.created, readAt: r.firstRead))

        // Patients who hear nothing write again.
        let age = now - r.created
        if r.isUnprocessed, age > 2 * Self.day, rng.chance(0.2) {
            let t = DemoTime.awake(r.created + rng.logUniform(Self.day, min(age, 5 * Self.day)), calendar, using: &rng)
            if t <= now {
                messages.append(DemoMessage(request: k, author: "patient", authorID: patient.id,
                                            body: PatientTexts.nudge(english: english, using: &rng), created: t,
                                            readAt: r.firstRead.flatMap { $0 >= t ? $0 : nil }))
            }
        }

        guard let answered = r.answered else { return }
        let assistants = assistantsOf[r.practitioner] ?? []
        let assistant = !assistants.isEmpty && rng.chance(0.45) ? rng.pick(assistants) : nil
        let author = assistant.map { ("assistant", $0.id, "\($0.displayName) — \(practitioner.displayName)") }
            ?? ("practitioner", practitioner.id, practitioner.signature)
        let body: String
        if r.status == "refused" {
            guard let text = PractitionerTexts.refusal(r.refusalReason ?? "", english: english, signature: author.2)
            else { return }
            body = text
        } else {
            body = PractitionerTexts.reply(procedure: r.procedure, english: english, byAssistant: assistant != nil,
                                           signature: author.2, using: &rng)
        }
        let deliverAt = deferral(of: answered, calendar)
        let visible = deliverAt ?? answered
        messages.append(DemoMessage(request: k, author: author.0, authorID: author.1, body: body, created: answered,
                                    deliverAt: deliverAt, readAt: readTime(after: visible, by: .patient, calendar, chance: 0.65)))

        // The patient writes back, and sometimes gets a second answer.
        guard r.status != "refused", rng.chance(0.25) else { return }
        let t = DemoTime.awake(visible + rng.logUniform(1800, 3 * Self.day), calendar, using: &rng)
        guard t <= now else { return }
        var followUp = DemoMessage(request: k, author: "patient", authorID: patient.id,
                                   body: PatientTexts.followUp(english: english, using: &rng), created: t)
        let second = rng.chance(0.4)
            ? DemoTime.working(t + rng.logUniform(Self.hour, 2 * Self.day), calendar, using: &rng) : nil
        if let second, second <= now {
            followUp.readAt = second - min(rng.int(60..<3600), second - t)
            messages.append(followUp)
            messages.append(DemoMessage(request: k, author: author.0, authorID: author.1,
                                        body: PractitionerTexts.secondReply(english: english, signature: author.2, using: &rng),
                                        created: second, readAt: readTime(after: second, by: .patient, calendar, chance: 0.5)))
        } else {
            followUp.readAt = readTime(after: t, by: .practitioner, calendar, chance: 0.5)
            messages.append(followUp)
        }
    }

    /// When a reply written at `written` is delivered, if it was deferred: a few
    /// are scheduled for a later round hour, a few recent ones are still waiting.
    private mutating func deferral(of written: Int, _ calendar: BusinessCalendar) -> Int? {
        if pendingBudget > 0, written >= now - 36 * Self.hour, rng.chance(0.5) {
            pendingBudget -= 1
            return DemoTime.slot(max(now, written + Self.hour) + rng.logUniform(600, 20 * Self.hour), calendar)
        }
        guard rng.chance(0.03) else { return nil }
        return DemoTime.slot(written + rng.logUniform(2 * Self.hour, 26 * Self.hour), calendar)
    }

    enum Reader { case patient, practitioner }

    /// When the recipient read a message visible at `visible`, if they did by `now`.
    private mutating func readTime(after visible: Int, by reader: Reader, _ calendar: BusinessCalendar,
                                   chance: Double) -> Int? {
        guard visible <= now, rng.chance(chance) else { return nil }
        let t = visible + rng.logUniform(300, 2 * Self.day)
        let moved = reader == .patient ? DemoTime.awake(t, calendar, using: &rng) : DemoTime.working(t, calendar, using: &rng)
        return moved <= now ? moved : nil
    }
}
