import Foundation
import GRDB
import RelanceCore
import RelanceDemo
import RelanceEngine
import RelanceStore
import RelanceTestSupport
import Testing

/// A 30-day replay of the demo store, hour by hour: every decision exactly
/// once, and as many of each as a recount written here from the raw rows.
@Suite struct ReplayTests {
    static let asOf = Timestamp.parse("2026-11-23T10:00:00Z")!
    static let start = asOf.addingTimeInterval(-21 * 86_400)
    static let ticks = (0...720).map { start.addingTimeInterval(Double($0) * 3600) }

    @Test func thirtyDaysHourByHourDecideEachThingOnce() throws {
        let f = try StoreFixture()
        _ = try DemoGenerator.fill(f.store.pool, now: Self.asOf, seed: 2026)
        let cycle = Cycle(store: f.store, settings: .init(policy: Policy(), catchUp: 30 * 86_400))
        var reported: [String] = []
        for now in Self.ticks {
            reported += try cycle.run(now: now).decisions.map(\.key)
        }
        // Exactly once: no key reported twice, and every recorded decision reported once.
        #expect(reported.count == Set(reported).count)
        let recorded = try f.store.pool.read { try String.fetchAll($0, sql: "SELECT key FROM relance_decisions") }
        #expect(Set(recorded) == Set(reported))
        // Replaying the whole month again decides nothing.
        var again: [String] = []
        for now in Self.ticks.enumerated().filter({ $0.offset % 7 == 0 }).map(\.element) {
            again += try cycle.run(now: now).decisions.map { "\($0.key) at \(Timestamp.format(now))" }
        }
        #expect(again.isEmpty, "\(again)")

        let byRule = Dictionary(grouping: recorded, by: { String($0.prefix { $0 != ":" }) }).mapValues(\.count)
        let expected = try Recount(store: f.store, ticks: Self.ticks).perRule()
        for rule in RuleName.allCases {
            #expect(byRule[rule.rawValue, default: 0] == expected[rule, default: 0], "\(rule.rawValue)")
        }
        // The demo exercises every rule.
        for rule in RuleName.allCases { #expect(expected[rule, default: 0] > 0, "\(rule.rawValue) never fires in the demo") }
    }
}

/// The rules counted again from the raw rows, independently of the engine's
/// queries, cursors and schedule (it shares only the business calendar).
struct Recount {
    struct Req {
        var id: Int64, practitioner: Int64, patient: Int64, procedure: String?, status: String, refusal: String?
        var outside: String?, created: Date, read: Date?, answered: Date?, closed: Date?, updated: Date
    }
    struct Pract {
        var id: Int64, complete: Bool, open: Bool, notify: Bool, forward: Bool, lat: Double?, lon: Double?, zone: String
        var closures: [(CivilDate, CivilDate)], procedures: Set<String>
    }

    let requests: [Req]
    let practitioners: [Int64: Pract]
    let messages: [(request: Int64, author: String, visible: Date)]
    let blocked: Set<[Int64]>
    let ticks: [Date]

    init(store: SQLiteStore, ticks: [Date]) throws {
        self.ticks = ticks
        let t = { (s: String?) in s.flatMap(Timestamp.parse) }
        (requests, practitioners, messages, blocked) = try store.pool.read { db in
            let reqs = try Row.fetchAll(db, sql: "SELECT * FROM requests").map { r in
                Req(id: r["id"], practitioner: r["practitioner_id"], patient: r["patient_id"], procedure: r["procedure"],
                    status: r["status"], refusal: r["refusal_reason"], outside: r["handled_outside"],
                    created: t(r["created_at"])!, read: t(r["first_read_at"]), answered: t(r["answered_at"]),
                    closed: t(r["closed_at"]), updated: t(r["updated_at"])!)
            }
            var ps: [Int64: Pract] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT * FROM practitioners") {
                ps[r["id"]] = Pract(id: r["id"], complete: r["profile"] == "complete", open: r["messaging_open"] == 1,
                                    notify: r["notify_each_request"] == 1, forward: r["forward_full_text"] == 1,
                                    lat: r["latitude"], lon: r["longitude"], zone: r["timezone"], closures: [], procedures: [])
            }
            for r in try Row.fetchAll(db, sql: "SELECT * FROM closures") {
                ps[r["practitioner_id"]]?.closures.append((CivilDate(iso: r["starts_on"] as String)!, CivilDate(iso: r["ends_on"] as String)!))
            }
            for r in try Row.fetchAll(db, sql: "SELECT * FROM practitioner_procedures") {
                ps[r["practitioner_id"]]?.procedures.insert(r["procedure"])
            }
            let ms = try Row.fetchAll(db, sql: "SELECT request_id, author, created_at, deliver_at FROM messages").map { r in
                (request: r["request_id"] as Int64, author: r["author"] as String,
                 visible: max(t(r["created_at"])!, t(r["deliver_at"]) ?? .distantPast))
            }
            let bl = Set(try Row.fetchAll(db, sql: "SELECT practitioner_id, patient_id FROM blocked_patients").map { [$0[0] as Int64, $0[1] as Int64] })
            return (reqs, ps, ms, bl)
        }
    }

    func calendar(_ p: Pract) -> BusinessCalendar {
        BusinessCalendar(timeZone: TimeZone(identifier: p.zone)!, closures: p.closures.map { $0.0...$0.1 })
    }

    func refusedAt(_ r: Req) -> Date? { r.status == "refused" ? (r.answered ?? r.closed ?? r.updated) : nil }

    /// Waiting for the practitioner at `t`, from the raw columns.
    func unprocessed(_ r: Req, at t: Date) -> Bool {
        guard r.created <= t else { return false }
        if let x = refusedAt(r), x <= t { return false }
        if let x = r.answered, x <= t { return false }
        if let x = r.closed, x <= t { return false }
        if (r.status == "closed" || r.status == "answered" || r.outside != nil), r.updated <= t { return false }
        return true
    }

    func unread(_ r: Req, at t: Date) -> Bool {
        if let x = r.read { return x > t }
        return r.status == "new" || r.updated > t
    }

    /// The first tick at or after `d`.
    func tick(after d: Date) -> Date? { ticks.first { $0 >= d } }

    func nearbyExists(_ r: Req, at t: Date) -> Bool {
        guard let origin = practitioners[r.practitioner], let la = origin.lat, let lo = origin.lon else { return false }
        return practitioners.values.contains { p in
            guard p.id != origin.id, p.complete, p.open, let pla = p.lat, let plo = p.lon else { return false }
            if let proc = r.procedure, !p.procedures.contains(proc) { return false }
            let cal = calendar(p)
            if cal.isClosed(on: cal.local(t).date) { return false }
            return Coordinate(latitude: la, longitude: lo).distanceKm(to: Coordinate(latitude: pla, longitude: plo)) <= 30
        }
    }

    /// A proposal goes at the first tick from `trigger` where the request is
    /// still eligible and someone is nearby; without anyone, it is tried daily for a week.
    func proposalTick(from trigger: Date, eligible: (Date) -> Bool, _ r: Req) -> Bool {
        guard var t = tick(after: trigger) else { return false }
        let end = trigger.addingTimeInterval(7 * 86_400)
        while t <= ticks.last! {
            guard eligible(t) else { return false }
            if nearbyExists(r, at: t) { return true }
            guard let next = tick(after: t.addingTimeInterval(86_400)), next <= end else { return false }
            t = next
        }
        return false
    }

    func perRule() -> [RuleName: Int] {
        var n: [RuleName: Int] = [:]
        let first = ticks.first!, last = ticks.last!
        let byID = Dictionary(uniqueKeysWithValues: requests.map { ($0.id, $0) })
        let windowStart = first.addingTimeInterval(-30 * 86_400)
        var autoReplied = Set<Int64>()
        for m in messages where m.visible > windowStart && m.visible <= last {
            guard let r = byID[m.request], let p = practitioners[r.practitioner] else { continue }
            let isBlocked = blocked.contains([r.practitioner, r.patient])
            if m.author == "patient" {
                guard !isBlocked else { continue }
                if p.notify { n[.patientMessageAlert, default: 0] += 1 }
                if p.forward { n[.fullTextForward, default: 0] += 1 }
                let cal = calendar(p)
                let day = cal.local(m.visible).date
                if p.closures.contains(where: { $0.0 <= day && day <= $0.1 }) { autoReplied.insert(r.id) }
            } else {
                n[.replyAlert, default: 0] += 1
            }
        }
        n[.closureAutoReply] = autoReplied.count

        for r in requests {
            guard let p = practitioners[r.practitioner], !blocked.contains([r.practitioner, r.patient]) else { continue }
            let cal = calendar(p)
            let due2 = cal.adding(businessDays: 2, to: r.created), due3 = cal.adding(businessDays: 3, to: r.created)
            var proposed = false
            if p.complete {
                if let t2 = tick(after: due2), unprocessed(r, at: t2) {
                    n[.reminder, default: 0] += 1
                    proposed = proposalTick(from: max(due3, t2), eligible: { unprocessed(r, at: $0) && unread(r, at: $0) }, r)
                }
            } else {
                proposed = proposalTick(from: due2, eligible: { unprocessed(r, at: $0) }, r)
            }
            if !proposed, let refused = refusedAt(r), r.refusal == "not_practised" || r.refusal == "not_interested" {
                proposed = proposalTick(from: max(refused, r.updated), eligible: { _ in true }, r)
            }
            if proposed { n[.nearbyProposal, default: 0] += 1 }
        }

        for p in practitioners.values {
            let mine = requests.filter { $0.practitioner == p.id }
            var lastDigest: Date?
            for t in ticks {
                if let l = lastDigest, t < l.addingTimeInterval(7 * 86_400) { continue }
                if mine.filter({ unprocessed($0, at: t) }).count >= 4 {
                    n[.digest, default: 0] += 1
                    lastDigest = t
                }
            }
        }
        return n
    }
}
