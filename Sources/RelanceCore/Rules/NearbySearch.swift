import Foundation

/// Rule 5's choice among candidate practitioners: complete profile, messaging
/// open, not closed today, practising the procedure, not the original one,
/// within the radius, nearest first.
public enum NearbySearch {
    public struct Candidate: Sendable {
        public var practice: Practice
        public var procedures: Set<String>
        public init(practice: Practice, procedures: Set<String>) {
            self.practice = practice; self.procedures = procedures
        }
    }

    /// Latitude and longitude bounds (degrees) that contain every point within
    /// `radiusKm` of `center`: the index prefilter before exact distances.
    public static func boundingBox(around center: Coordinate, radiusKm: Double)
        -> (latitude: ClosedRange<Double>, longitude: ClosedRange<Double>) {
        let dLat = radiusKm / 111.0 + 0.01
        let cosLat = max(0.01, cos(min(89.0, abs(center.latitude) + dLat) * .pi / 180))
        let dLon = min(180, radiusKm / (111.32 * cosLat) + 0.01)
        return ((center.latitude - dLat)...(center.latitude + dLat),
                (center.longitude - dLon)...(center.longitude + dLon))
    }

    public static func select(origin: Practitioner, procedure: String?, candidates: [Candidate],
                              now: Date, policy: Policy.NearbyProposal) -> [NearbyOption] {
        guard let center = origin.coordinate else { return [] }
        var found: [NearbyOption] = []
        for c in candidates {
            let p = c.practice.practitioner
            guard p.id != origin.id, p.profile == .complete, p.messagingOpen,
                  let at = p.coordinate else { continue }
            if let procedure, !c.procedures.contains(procedure) { continue }
            let distance = center.distanceKm(to: at)
            guard distance <= policy.radiusKm else { continue }
            let cal = c.practice.calendar
            if cal.isClosed(on: cal.local(now).date) { continue }
            found.append(NearbyOption(practitionerID: p.id, displayName: p.displayName,
                                      specialty: p.specialty, distanceKm: (distance * 10).rounded() / 10))
        }
        found.sort { ($0.distanceKm, $0.practitionerID) < ($1.distanceKm, $1.practitionerID) }
        return Array(found.prefix(policy.maxResults))
    }
}
