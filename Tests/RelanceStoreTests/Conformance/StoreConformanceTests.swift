import Foundation
import RelanceCore
import RelancePostgres
import RelanceEngine
import RelanceStore
import RelanceTestSupport
import Testing

/// What every `MessageStore` driver must do, run against each engine.
@Suite struct StoreConformanceTests {
    let t = EngineFixture.t

    /// A practitioner with an assistant and SMS alerts, a patient, and one new request at 09:00 on Monday 16 November.
    func seeded(_ engine: TestEngine) throws -> EngineFixture {
        let f = try EngineFixture.make(engine)
        try f.practitioner(1, sms: true, phone: "+33612345678", procedures: ["détartrage"])
        try f.sql("INSERT INTO assistants (id, practitioner_id, display_name, email) VALUES (5, 1, 'Secrétariat', 'sec@example.fr')")
        try f.patient(10)
        try f.request(100, practitioner: 1, patient: 10, created: "2026-11-16T09:00:00Z", procedure: "détartrage")
        return f
    }

    func decision(_ key: String, at: String, addresses: [String] = ["a@example.fr"]) -> Decision {
        let r = Recipient(kind: .practitioner, id: 1, displayName: "Dr Praticien 1", locale: "fr", timezone: "Europe/Paris")
        return Decision(key: key, rule: .patientMessageAlert, requestID: 100, practitionerID: 1, patientID: 10, messageID: 10000,
                        decidedAt: t(at), deliveries: addresses.map { Delivery(channel: .email, address: $0, recipient: r) })
    }

    @Test(arguments: TestEngine.underTest) func aKeyIsRecordedOnceWithItsOutboxRows(engine: TestEngine) throws {
        let f = try seeded(engine)
        var record = CycleRecord(now: t("2026-11-16T09:05:00Z"), startedAt: t("2026-11-16T09:05:00Z"))
        record.decisions = [decision("k:1", at: "2026-11-16T09:05:00Z", addresses: ["a@example.fr", "b@example.fr"])]
        #expect(try f.store.record(record, notBefore: { $1.decidedAt }).map(\.key) == ["k:1"])
        #expect(try f.store.record(record, notBefore: { $1.decidedAt }).isEmpty)
        #expect(try f.store.existingKeys(["k:1", "k:2"]) == ["k:1"])
        #expect(try f.count("SELECT COUNT(*) FROM relance_outbox") == 2)
        #expect(try f.count("SELECT COUNT(*) FROM relance_cycles") == 2)
        let rows = try f.store.outbox(forRequest: 100)
        #expect(rows.map(\.delivery.address) == ["a@example.fr", "b@example.fr"])
        #expect(rows.allSatisfy { $0.state == .pending && $0.decisionKey == "k:1" && $0.rule == .patientMessageAlert })
    }

    @Test(arguments: TestEngine.underTest) func ingestSchedulesNewRequestsAndTheSnapshotSeesThem(engine: TestEngine) throws {
        let f = try seeded(engine)
        let now = t("2026-11-16T09:05:00Z")
        let preview = try f.store.previewSnapshot(now: now, policy: Policy(), catchUp: 86_400, limit: 100)
        #expect(preview.dueRequests.map(\.id) == [100])
        #expect(try f.count("SELECT COUNT(*) FROM relance_schedule") == 0, "a preview changes nothing")
        try f.store.withRulePass { try f.store.ingestChangedRequests(now: now, catchUp: 86_400) }
        #expect(try f.count("SELECT COUNT(*) FROM relance_schedule") == 1)
        let s = try f.store.loadSnapshot(now: now, policy: Policy(), catchUp: 86_400, limit: 100)
        #expect(s.dueRequests.map(\.id) == [100])
        #expect(s.messages.map(\.id) == [10000])
        #expect(s.firstPatientMessage == [100: 10000])
        let practice = try #require(s.practices[1])
        #expect(practice.assistants.map(\.id) == [5])
        #expect(practice.practitioner.smsAlerts && practice.practitioner.phone == "+33612345678")
        #expect(s.patients[10]?.displayName == "Zoé Patiente 10")
        #expect(s.requests[100]?.procedure == "détartrage")
        #expect(s.requests[100]?.createdAt == t("2026-11-16T09:00:00Z"))
    }

    @Test(arguments: TestEngine.underTest) func aClaimedRowIsLeasedUntilItsLeaseEnds(engine: TestEngine) throws {
        let f = try seeded(engine)
        var record = CycleRecord(now: t("2026-11-16T09:05:00Z"), startedAt: t("2026-11-16T09:05:00Z"))
        record.decisions = [decision("k:1", at: "2026-11-16T09:05:00Z", addresses: ["a@example.fr", "b@example.fr"])]
        try f.store.record(record, notBefore: { $1.decidedAt })
        let now = t("2026-11-16T09:06:00Z")
        #expect(try f.store.dueOutbox(now: now, limit: 10).count == 2)
        #expect(try f.store.claimDue(now: now, limit: 1, leaseUntil: now.addingTimeInterval(300)).count == 1)
        #expect(try f.store.claimDue(now: now, limit: 10, leaseUntil: now.addingTimeInterval(300)).count == 1)
        #expect(try f.store.claimDue(now: now, limit: 10, leaseUntil: now.addingTimeInterval(300)).isEmpty)
        // A sender that died: its rows come back once the lease ends.
        let later = now.addingTimeInterval(301)
        #expect(try f.store.claimDue(now: later, limit: 10, leaseUntil: later.addingTimeInterval(300)).count == 2)
    }

    @Test(arguments: TestEngine.underTest) func finishingRecordsEachResult(engine: TestEngine) throws {
        let f = try seeded(engine)
        var record = CycleRecord(now: t("2026-11-16T09:05:00Z"), startedAt: t("2026-11-16T09:05:00Z"))
        record.decisions = [decision("k:1", at: "2026-11-16T09:05:00Z",
                                     addresses: ["a@example.fr", "b@example.fr", "c@example.fr", "d@example.fr"])]
        try f.store.record(record, notBefore: { $1.decidedAt })
        let now = t("2026-11-16T09:06:00Z")
        let ids = try f.store.claimDue(now: now, limit: 10, leaseUntil: now.addingTimeInterval(300)).map(\.id).sorted()
        try f.store.finish([(ids[0], .sent(providerID: "<m1@x>")), (ids[1], .retry(error: "451 later", retryAt: now.addingTimeInterval(60))),
                            (ids[2], .dead(error: "550 no such user")), (ids[3], .skipped(reason: "none"))], at: now)
        let byAddress = Dictionary(uniqueKeysWithValues: try f.store.outbox(state: nil, limit: 10).map { ($0.delivery.address, $0) })
        #expect(byAddress["a@example.fr"]?.state == .sent && byAddress["a@example.fr"]?.providerID == "<m1@x>")
        #expect(byAddress["a@example.fr"]?.sentAt == now)
        #expect(byAddress["b@example.fr"]?.state == .pending && byAddress["b@example.fr"]?.attempts == 1)
        #expect(byAddress["b@example.fr"]?.notBefore == now.addingTimeInterval(60))
        #expect(byAddress["c@example.fr"]?.state == .dead && byAddress["c@example.fr"]?.lastError == "550 no such user")
        #expect(byAddress["d@example.fr"]?.state == .skipped)
        #expect(try f.store.outbox(state: .sent, limit: 10).map(\.id) == [ids[0]])
        let depth = try f.store.outboxDepth()
        #expect(depth.pending == 0 && depth.deferred == 1 && depth.dead == 1)
        #expect(depth.oldestPendingSince == t("2026-11-16T09:05:00Z"))
        let status = try f.store.status(since: t("2026-11-16T00:00:00Z"))
        #expect(status.lastCycle?.now == t("2026-11-16T09:05:00Z"))
        #expect(status.decisionsByRule == [.patientMessageAlert: 1])
        #expect(status.sentByRule == [.patientMessageAlert: 1])
    }

    @Test(arguments: TestEngine.underTest) func theCommandsReadsWork(engine: TestEngine) throws {
        let f = try seeded(engine)
        try f.practitioner(2, lat: 48.86, lon: 2.35, procedures: ["détartrage"])
        try f.practitioner(3, lat: 45.76, lon: 4.83, procedures: ["détartrage"])  // Lyon: out of reach
        // Read before the cycle: once message 10000 is decided, a snapshot no longer brings its practitioner.
        let origin = try #require(try f.store.loadSnapshot(now: t("2026-11-16T09:05:00Z"), policy: Policy(),
                                                            catchUp: 86_400, limit: 10).practices[1]).practitioner
        let cycle = Cycle(store: f.store, settings: .init(policy: Policy(), catchUp: 86_400))
        let report = try cycle.run(now: t("2026-11-16T09:05:00Z"))
        #expect(report.decisions.map(\.key) == ["patient_message_alert:message:10000"])
        let file = try f.store.requestFile(100, region: .france)
        #expect(file.request.id == 100 && file.messages.map(\.id) == [10000] && file.patient?.id == 10)
        #expect(file.decisions.map(\.key) == ["patient_message_alert:message:10000"])
        #expect(file.outbox.count == 3 && !file.blocked)
        #expect(throws: StoreNotFound.self) { try f.store.requestFile(999, region: .france) }
        #expect(try f.store.requests(createdSince: t("2026-11-16T00:00:00Z"), until: t("2026-11-17T00:00:00Z")).map(\.id) == [100])
        #expect(try f.store.requests(createdSince: t("2026-11-17T00:00:00Z"), until: t("2026-11-18T00:00:00Z")).isEmpty)
        #expect(try f.store.practitionerNames([1, 2, 42]) == [1: "Dr Praticien 1", 2: "Dr Praticien 2"])
        #expect(try f.store.messageBody(10000) == "Bonjour docteur, texte médical confidentiel")
        #expect(try f.store.messageBody(1) == nil)
        let near = try f.store.nearbyCandidates(around: origin, procedure: "détartrage", radiusKm: 20, region: .france)
        #expect(near.map(\.practice.practitioner.id) == [2])
        #expect(near.first?.procedures == ["détartrage"])
        #expect(try f.store.nearbyCandidates(around: origin, procedure: "orthodontie", radiusKm: 20, region: .france).isEmpty)
    }

    @Test(arguments: TestEngine.underTest) func theRulePassReturnsItsBodysValue(engine: TestEngine) throws {
        let f = try EngineFixture.make(engine)
        #expect(try f.store.withRulePass { 42 } == 42)
        #expect(f.store.engine.rawValue == engine.rawValue)
    }
}

/// PostgreSQL's migrations: once for replicas starting together, and with a least-privilege role.
@Suite struct PostgresMigrationTests {
    @Test func replicasStartingTogetherMigrateOnce() throws {
        let cluster = try PostgresCluster.get()
        let url = cluster.url(try cluster.createDatabase())
        let admin = try PostgresStore(url: url, password: PostgresCluster.password, migrate: false)
        try admin.execute(Contract.ddl(.postgres))
        let errors = LockedErrors()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            do { _ = try PostgresStore(url: url, password: PostgresCluster.password) } catch { errors.add(error) }
        }
        #expect(errors.all.isEmpty, "\(errors.all)")
        #expect(try admin.appliedMigrations() == RelanceMigrations.all(.postgres).map(\.id))
    }

    @Test func aRoleThatOnlyReadsThePlatformsTablesRunsOnIndexesMadeForIt() throws {
        let cluster = try PostgresCluster.get()
        let name = try cluster.createDatabase()
        let admin = try PostgresStore(url: cluster.url(name), password: PostgresCluster.password, migrate: false)
        try admin.execute(Contract.ddl(.postgres))
        let role = "relance_\(name.suffix(8))"
        try admin.execute("""
            CREATE ROLE \(role) LOGIN PASSWORD '\(PostgresCluster.password)';
            GRANT USAGE, CREATE ON SCHEMA public TO \(role);
            GRANT SELECT ON \(Contract.tables.joined(separator: ", ")) TO \(role);
            """)
        // Without the indexes on the platform's tables, a non-owner cannot migrate, and says why.
        #expect(throws: (any Error).self) { try PostgresStore(url: cluster.url(name, user: role), password: PostgresCluster.password) }
        // With them made by the owner beforehand, it migrates and works.
        let platformIndexes = try #require(RelanceMigrations.all(.postgres).first { $0.id == "v2_platform_indexes" }).sql
        try admin.execute(platformIndexes)
        let store = try PostgresStore(url: cluster.url(name, user: role), password: PostgresCluster.password)
        #expect(try store.appliedMigrations().count == RelanceMigrations.all(.postgres).count)
        #expect(try store.withRulePass { try store.ingestChangedRequests(now: Date(), catchUp: 60) } == ())
    }
}

final class LockedErrors: @unchecked Sendable {
    private var errors: [any Error] = []
    private let lock = NSLock()
    func add(_ e: any Error) { lock.withLock { errors.append(e) } }
    var all: [any Error] { lock.withLock { errors } }
}

extension PostgresMigrationTests {
    /// Several hosts in the URL: libpq tries each until one is a read-write primary (a failover's
    /// new primary is found the same way); the first here does not answer at all.
    @Test func aURLWithSeveralHostsReachesTheReadWriteOne() throws {
        let cluster = try PostgresCluster.get()
        let name = try cluster.createDatabase()
        let url = "postgresql://postgres@127.0.0.1:1,127.0.0.1:\(cluster.port)/\(name)?target_session_attrs=read-write&connect_timeout=2"
        let store = try PostgresStore.create(url: url, password: PostgresCluster.password)
        #expect(try store.rows("SELECT current_setting('port')") == [[String(cluster.port)]])
        #expect(store.location == "postgresql://127.0.0.1:1,127.0.0.1:\(cluster.port)/\(name)")
    }
}
