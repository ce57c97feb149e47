import Foundation
import GRDB
import RelanceCore

extension SQLiteStore {
    /// Rule 5's candidates around `origin`: an indexed bounding-box prefilter
    /// (complete, messaging open, practising `procedure`); exact distances,
    /// closures and ranking are the core's (`NearbySearch.select`).
    public func nearbyCandidates(around origin: Practitioner, procedure: String?, radiusKm: Double,
                                 region: HolidayRegion) throws -> [NearbySearch.Candidate] {
        guard let center = origin.coordinate else { return [] }
        let box = NearbySearch.boundingBox(around: center, radiusKm: radiusKm)
        return try pool.read { db in
            var sql = """
                SELECT p.id FROM practitioners p INDEXED BY relance_practitioners_position
                WHERE p.profile = 'complete' AND p.messaging_open = 1
                  AND p.latitude BETWEEN ? AND ? AND p.longitude BETWEEN ? AND ? AND p.id <> ?
                """
            var args: [any DatabaseValueConvertible] = [box.latitude.lowerBound, box.latitude.upperBound,
                                                        box.longitude.lowerBound, box.longitude.upperBound, origin.id]
            if let procedure {
                sql += " AND EXISTS (SELECT 1 FROM practitioner_procedures pp WHERE pp.practitioner_id = p.id AND pp.procedure = ?)"
                args.append(procedure)
            }
            let ids = try Self.int64s(db, sql: sql, arguments: StatementArguments(args))
            var skipped: [SkippedRow] = []
            let practices = try Self.loadPractices(db, ids: ids, region: region, skipped: &skipped)
            var procedures: [Int64: Set<String>] = [:]
            for row in try Self.platformRowsIn(db, RowDecoder.Columns(["practitioner_id", "procedure"]),
                                               "SELECT practitioner_id, procedure FROM practitioner_procedures WHERE practitioner_id IN", ids) {
                if let p = try? row.int64("practitioner_id"), let name = try? row.text("procedure") {
                    procedures[p, default: []].insert(name)
                }
            }
            return ids.compactMap { id in
                practices[id].map { NearbySearch.Candidate(practice: $0, procedures: procedures[id] ?? []) }
            }
        }
    }
}
