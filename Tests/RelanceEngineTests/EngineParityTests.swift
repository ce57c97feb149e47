import Foundation
import RelanceCore
import RelanceDemo
import RelanceEngine
import RelanceStore
import RelanceTestSupport
import Testing

/// SQLite and PostgreSQL hold the same demo data; cycles at the same instants
/// make the same decisions, with the same recipients and outbox rows.
@Suite struct EngineParityTests {
    static let asOf = Timestamp.parse("2026-11-23T10:00:00Z")!

    /// Several instants of the demo store, in order: a quiet night, a Monday morning, a weekend, later days.
    static let offsets: [TimeInterval] = [-1_717_200, -777_600, -478_800, 0, 198_000, 432_000]
    static let instants: [Date] = offsets.map { asOf.addingTimeInterval($0) }

    func filled(_ engine: TestEngine) throws -> EngineFixture {
        let f = try EngineFixture.make(engine)
        let writer = try #require(f.store as? any PlatformWriter)
        _ = try DemoGenerator.fill(into: writer, now: Self.asOf, seed: 2026)
        return f
    }

    @Test func bothEnginesHoldTheSameDemoData() throws {
        let (a, b) = (try filled(.sqlite), try filled(.postgres))
        for table in Contract.tables {
            #expect(try a.count("SELECT COUNT(*) FROM \(table)") == b.count("SELECT COUNT(*) FROM \(table)"), "\(table)")
        }
        func lines(_ f: EngineFixture) throws -> [String] {
            try f.texts("SELECT id || ' ' || practitioner_id || ' ' || status FROM requests ORDER BY id").map { $0 ?? "" }
        }
        #expect(try lines(a) == lines(b))
    }

    @Test func bothEnginesDecideTheSameAtEachInstant() throws {
        let (a, b) = (try filled(.sqlite), try filled(.postgres))
        let settings = Cycle.Settings(policy: Policy(), catchUp: 30 * 86_400)
        let (ca, cb) = (Cycle(store: a.store, settings: settings), Cycle(store: b.store, settings: settings))
        var total = 0
        for now in Self.instants {
            // A dry run first: what would be decided is the same too.
            let da: [Decision] = try ca.run(now: now, dryRun: true).decisions.sorted { $0.key < $1.key }
            let db: [Decision] = try cb.run(now: now, dryRun: true).decisions.sorted { $0.key < $1.key }
            #expect(da == db, "dry run at \(Timestamp.format(now))")
            let ra: Cycle.Report = try ca.run(now: now)
            let rb: Cycle.Report = try cb.run(now: now)
            let sa: [Decision] = ra.decisions.sorted { $0.key < $1.key }
            let sb: [Decision] = rb.decisions.sorted { $0.key < $1.key }
            #expect(sa.map { $0.key } == sb.map { $0.key }, "keys at \(Timestamp.format(now))")
            #expect(sa == sb, "decisions at \(Timestamp.format(now))")
            #expect(ra.skipped.count == rb.skipped.count)
            #expect(ra.dueRequests == rb.dueRequests)
            #expect(ra.messages == rb.messages)
            total += sa.count
        }
        #expect(total > 100, "the demo exercises the rules")
        func outbox(_ f: EngineFixture) throws -> [String] {
            try f.store.outbox(state: nil, limit: 100_000).map {
                "\($0.decisionKey) \($0.delivery.channel.rawValue) \($0.delivery.address) \(Timestamp.format($0.notBefore))"
            }.sorted()
        }
        #expect(try outbox(a) == outbox(b))
        let (qa, qb) = (try a.store.outboxDepth(), try b.store.outboxDepth())
        #expect(qa == qb)
    }
}
