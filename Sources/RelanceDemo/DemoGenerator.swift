import Foundation
import GRDB
import RelanceCore
import RelanceStore

/// The data of `relance demo`: a platform's store filled with realistic French
/// practitioners, patients, requests and conversations, so every rule of the
/// daemon has something to act on.
public enum DemoGenerator {
    /// Why a store cannot be filled.
    public enum FillError: Error, CustomStringConvertible {
        /// The demo only fills an empty store, never mixes with real data.
        case storeNotEmpty(table: String, rows: Int)

        public var description: String {
            switch self {
            case let .storeNotEmpty(table, rows):
                return "the store is not empty (\(rows) row(s) in \(table)); the demo fills only a new store"
            }
        }
    }

    /// Fills an empty contract store with realistic French data, deterministic for a seed.
    /// `now` is the moment the data is "as of": requests span the 21 days before it.
    ///
    /// Everything is written in one transaction: about 50 practitioners around
    /// Paris, Lyon and Rennes (and one in La Réunion) with their procedures,
    /// assistants and closures, 500 patients, 2,000 requests in every status and
    /// their messages. Throws `FillError.storeNotEmpty` when any contract table has rows.
    public static func fill(_ db: some DatabaseWriter, now: Date, seed: UInt64 = 2026) throws -> DemoSummary {
        let (tables, summary) = make(now: now, seed: seed)
        try db.write { db in
            for table in Contract.tables {
                let rows = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
                if rows > 0 { throw FillError.storeNotEmpty(table: table, rows: rows) }
            }
            try SQLiteStore.insert(tables, into: db)
        }
        return summary
    }

    /// The same data written into any engine's store (`relance demo --config`).
    public static func fill(into store: any PlatformWriter, now: Date, seed: UInt64 = 2026) throws -> DemoSummary {
        for table in Contract.tables {
            let rows = try store.platformRowCount(table)
            if rows > 0 { throw FillError.storeNotEmpty(table: table, rows: rows) }
        }
        let (tables, summary) = make(now: now, seed: seed)
        try store.insertPlatformRows(tables)
        return summary
    }

    /// The rows and their summary, deterministic for a seed and `now`.
    static func make(now: Date, seed: UInt64) -> ([PlatformRows], DemoSummary) {
        var rng = SplitMix64(seed: seed)
        let nowSeconds = seconds(now)
        let people = DemoPeople.make(now: now, using: &rng)
        var requestFactory = RequestFactory(people: people, now: nowSeconds, rng: rng)
        let requests = requestFactory.make(count: 2000)
        rng = requestFactory.rng
        let blocked = blockedPairs(people, requests, using: &rng)
        var messageFactory = MessageFactory(people: people, now: nowSeconds, rng: rng)
        let messages = messageFactory.make(for: requests)
        return (DemoWriter.rows(people, blocked: blocked, requests: requests, messages: messages),
                summary(seed: seed, now: now, people, blocked, requests, messages))
    }

    /// A handful of (practitioner, patient) pairs: spammers blocked after their
    /// request, one patient blocked while a request waits, two blocked beforehand.
    static func blockedPairs(_ people: DemoPeople, _ requests: [DemoRequest],
                             using rng: inout SplitMix64) -> [(practitioner: Int, patient: Int)] {
        var pairs: [(practitioner: Int, patient: Int)] = []
        func add(_ practitioner: Int, _ patient: Int) {
            if !pairs.contains(where: { $0 == (practitioner, patient) }) { pairs.append((practitioner, patient)) }
        }
        for r in requests.filter({ $0.refusalReason == "spam" }).prefix(3) { add(r.practitioner, r.patient) }
        if let waiting = requests.last(where: {
            $0.status == "new" && $0.handledOutside == nil && people.practitioners[$0.practitioner].notifyEachRequest
        }) {
            add(waiting.practitioner, waiting.patient)
        }
        while pairs.count < 6 {
            add(rng.int(0..<people.practitioners.count), rng.int(0..<people.patients.count))
        }
        return pairs
    }

    static func summary(seed: UInt64, now: Date, _ people: DemoPeople, _ blocked: [(practitioner: Int, patient: Int)],
                        _ requests: [DemoRequest], _ messages: [DemoMessage]) -> DemoSummary {
        let nowSeconds = seconds(now)
        var byStatus: [String: Int] = [:]
        for r in requests { byStatus[r.status, default: 0] += 1 }
        let unprocessed = requests.filter(\.isUnprocessed)
        let stale = unprocessed.filter {
            seconds(people.practitioners[$0.practitioner].calendar.adding(businessDays: 3, to: date($0.created))) <= nowSeconds
        }
        let deferred = messages.filter { $0.deliverAt != nil }
        return DemoSummary(
            seed: seed, asOf: now,
            practitioners: people.practitioners.count,
            addressOnlyPractitioners: people.practitioners.filter(\.addressOnly).count,
            procedures: people.practitioners.reduce(0) { $0 + $1.procedures.count },
            assistants: people.assistants.count, patients: people.patients.count,
            blockedPatients: blocked.count, requests: requests.count, messages: messages.count,
            closures: people.closures.count,
            closedNow: people.practitioners.filter { $0.calendar.isClosed(on: $0.calendar.local(now).date) }.count,
            requestsByStatus: byStatus, unprocessed: unprocessed.count,
            unprocessedOlderThan3BusinessDays: stale.count,
            handledWithin48h: requests.filter { r in r.handledAt.map { $0 - r.created <= 48 * 3600 } ?? false }.count,
            secondary: requests.filter { $0.source != nil }.count,
            deferredMessages: deferred.count,
            deferredPending: deferred.filter { $0.deliverAt! > nowSeconds }.count)
    }
}
