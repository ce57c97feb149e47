import Foundation
import Testing
import PropertyBased
import RelanceCore

/// Kilometres per degree along a meridian on the sphere `distanceKm` uses.
let kmPerDegree = 6371.0088 * Double.pi / 180
let lyon = Coordinate(latitude: 45.7640, longitude: 4.8357)

/// A candidate `km` north (or south, when negative) of Lyon.
func candidate(_ id: Int64, km: Double, profile: Practitioner.Profile = .complete, messagingOpen: Bool = true,
               procedures: Set<String> = ["kinésithérapie"], closures: [(String, String)] = [],
               timezone: String = "Europe/Paris", located: Bool = true) -> NearbySearch.Candidate {
    let p = Practitioner(id: id, displayName: "Dr \(id)", profile: profile, specialty: "spécialité \(id)",
                         latitude: located ? lyon.latitude + km / kmPerDegree : nil,
                         longitude: located ? lyon.longitude : nil, timezone: timezone, messagingOpen: messagingOpen)
    return NearbySearch.Candidate(practice: Cast.practice(p, assistants: [], closures: closures), procedures: procedures)
}

/// Destination at `distance` km and `bearing` degrees from `start`, on the same sphere.
func destination(from start: Coordinate, km distance: Double, bearing: Double) -> Coordinate {
    let δ = distance / 6371.0088, θ = bearing * .pi / 180
    let φ1 = start.latitude * .pi / 180, λ1 = start.longitude * .pi / 180
    let φ2 = asin(sin(φ1) * cos(δ) + cos(φ1) * sin(δ) * cos(θ))
    let λ2 = λ1 + atan2(sin(θ) * sin(δ) * cos(φ1), cos(δ) - sin(φ1) * sin(φ2))
    return Coordinate(latitude: φ2 * 180 / .pi, longitude: λ2 * 180 / .pi)
}

struct NearbyCase: Sendable, CustomTestStringConvertible {
    var name: String
    var candidates: [NearbySearch.Candidate]
    var procedure: String? = "kinésithérapie"
    var maxResults = 3
    var radiusKm = 30.0
    var now = "2026-07-06T08:00:00Z"
    var expected: [Int64]
    var testDescription: String { name }
}

let nearbyCases: [NearbyCase] = [
    NearbyCase(name: "nearest first, at most 3",
               candidates: [candidate(11, km: 12), candidate(12, km: 3), candidate(13, km: 25), candidate(14, km: -8)],
               expected: [12, 14, 11]),
    NearbyCase(name: "at most 5", candidates: [candidate(11, km: 12), candidate(12, km: 3), candidate(13, km: 25), candidate(14, km: -8)],
               maxResults: 5, expected: [12, 14, 11, 13]),
    NearbyCase(name: "at most 1", candidates: [candidate(11, km: 12), candidate(12, km: 3)], maxResults: 1, expected: [12]),
    NearbyCase(name: "within the radius: 29.9 km in, 30.1 km out",
               candidates: [candidate(11, km: 29.9), candidate(12, km: -30.1), candidate(13, km: 45)], expected: [11]),
    NearbyCase(name: "a 10 km radius", candidates: [candidate(11, km: 9.5), candidate(12, km: 10.5)], radiusKm: 10, expected: [11]),
    NearbyCase(name: "nobody nearby", candidates: [candidate(11, km: 80), candidate(12, km: -200)], expected: []),
    NearbyCase(name: "practising the request's procedure",
               candidates: [candidate(11, km: 2, procedures: ["ostéopathie"]), candidate(12, km: 4, procedures: ["ostéopathie", "kinésithérapie"]),
                            candidate(13, km: 6, procedures: []), candidate(14, km: 8)],
               expected: [12, 14]),
    NearbyCase(name: "no procedure on the request: anyone",
               candidates: [candidate(11, km: 2, procedures: ["ostéopathie"]), candidate(13, km: 6, procedures: []), candidate(14, km: 8)],
               procedure: nil, expected: [11, 13, 14]),
    NearbyCase(name: "closed today excluded; closed yesterday or tomorrow not",
               candidates: [candidate(11, km: 2, closures: [("2026-07-06", "2026-07-06")]),
                            candidate(12, km: 3, closures: [("2026-07-01", "2026-07-31")]),
                            candidate(13, km: 4, closures: [("2026-07-01", "2026-07-05")]),
                            candidate(14, km: 5, closures: [("2026-07-07", "2026-07-20")]),
                            candidate(15, km: 6)],
               expected: [13, 14, 15]),
    NearbyCase(name: "today is the candidate's local day: 00:30 Paris is already the closed day",
               candidates: [candidate(11, km: 2, closures: [("2026-07-07", "2026-07-10")]), candidate(12, km: 4)],
               now: "2026-07-06T22:30:00Z", expected: [12]),
    NearbyCase(name: "address-only excluded",
               candidates: [candidate(11, km: 2, profile: .addressOnly), candidate(12, km: 4)], expected: [12]),
    NearbyCase(name: "messaging closed excluded",
               candidates: [candidate(11, km: 2, messagingOpen: false), candidate(12, km: 4)], expected: [12]),
    NearbyCase(name: "the original practitioner excluded, even at distance 0",
               candidates: [candidate(Cast.doctorID, km: 0), candidate(12, km: 4)], expected: [12]),
    NearbyCase(name: "a candidate without coordinates excluded",
               candidates: [candidate(11, km: 0, located: false), candidate(12, km: 4)], expected: [12]),
    NearbyCase(name: "equal distances: lower id first",
               candidates: [candidate(13, km: 5), candidate(11, km: -5), candidate(12, km: 5)], expected: [11, 12, 13]),
    NearbyCase(name: "everything at once",
               candidates: [candidate(Cast.doctorID, km: 0), candidate(20, km: 1, profile: .addressOnly),
                            candidate(21, km: 1.5, messagingOpen: false), candidate(22, km: 2, closures: [("2026-07-06", "2026-07-08")]),
                            candidate(23, km: 2.5, procedures: ["dentisterie"]), candidate(24, km: 31), candidate(25, km: 20),
                            candidate(26, km: -10), candidate(27, km: 15), candidate(28, km: 16)],
               expected: [26, 27, 28]),
]

@Suite("NearbySearch")
struct NearbySearchTests {
    @Test("candidates → the practitioners offered", arguments: nearbyCases)
    func select(c: NearbyCase) {
        var policy = Policy.NearbyProposal()
        policy.maxResults = c.maxResults
        policy.radiusKm = c.radiusKm
        let found = NearbySearch.select(origin: Cast.doctor(), procedure: c.procedure, candidates: c.candidates,
                                        now: ts(c.now), policy: policy)
        #expect(found.map(\.practitionerID) == c.expected)
        #expect(found.map(\.distanceKm) == found.map(\.distanceKm).sorted())
    }

    @Test("an option carries the name, the specialty and the distance to 0.1 km")
    func option() throws {
        let found = NearbySearch.select(origin: Cast.doctor(), procedure: nil, candidates: [candidate(11, km: 12.34)],
                                        now: ts("2026-07-06T08:00:00Z"), policy: .init())
        let o = try #require(found.first)
        #expect(o == NearbyOption(practitionerID: 11, displayName: "Dr 11", specialty: "spécialité 11", distanceKm: 12.3))
    }

    @Test("an original practitioner without coordinates: nobody")
    func originWithoutCoordinates() {
        var origin = Cast.doctor()
        origin.latitude = nil
        #expect(NearbySearch.select(origin: origin, procedure: nil, candidates: [candidate(11, km: 1)],
                                    now: ts("2026-07-06T08:00:00Z"), policy: .init()).isEmpty)
    }

    @Test("real distances: Lyon to Villeurbanne and Vienne")
    func realDistances() {
        let villeurbanne = Coordinate(latitude: 45.7719, longitude: 4.8902)
        let vienne = Coordinate(latitude: 45.5255, longitude: 4.8745)
        #expect(abs(lyon.distanceKm(to: villeurbanne) - 4.3) < 0.1)
        #expect(abs(lyon.distanceKm(to: vienne) - 26.7) < 0.2)
        #expect(lyon.distanceKm(to: lyon) == 0)
        #expect(abs(lyon.distanceKm(to: vienne) - vienne.distanceKm(to: lyon)) < 1e-9)
    }

    // MARK: Bounding box

    @Test("the bounding box contains every point within the radius (property)")
    func boundingBoxProperty() async {
        await propertyCheck(count: 500, input: Gen.double(in: -70...70), Gen.double(in: -170...170),
                            Gen.double(in: 0.1...300), Gen.double(in: 0..<360), Gen.double(in: 0...1)) { lat, lon, radius, bearing, fraction in
            let center = Coordinate(latitude: lat, longitude: lon)
            let p = destination(from: center, km: radius * fraction, bearing: bearing)
            #expect(center.distanceKm(to: p) <= radius * fraction + 1e-6)
            let box = NearbySearch.boundingBox(around: center, radiusKm: radius)
            #expect(box.latitude.contains(p.latitude) && box.longitude.contains(p.longitude),
                    "center \(lat),\(lon) r \(radius) → \(p.latitude),\(p.longitude) outside \(box)")
        }
    }

    @Test("the bounding box contains the whole circle around French places", arguments: [
        ("Paris", 48.8566, 2.3522), ("Lyon", 45.7640, 4.8357), ("Dunkerque", 51.0344, 2.3768),
        ("Saint-Denis (Réunion)", -20.8821, 55.4507), ("Fort-de-France", 14.6161, -61.0588),
        ("Cayenne", 4.9224, -52.3135), ("Nouméa", -22.2758, 166.4580), ("Papeete", -17.5516, -149.5585),
        ("Saint-Pierre", 46.7811, -56.1764), ("Mamoudzou", -12.7806, 45.2279),
    ])
    func boundingBoxFrance(name: String, lat: Double, lon: Double) {
        let center = Coordinate(latitude: lat, longitude: lon)
        for radius in [1.0, 30, 100, 250] {
            let box = NearbySearch.boundingBox(around: center, radiusKm: radius)
            #expect(box.latitude.contains(lat) && box.longitude.contains(lon))
            for bearing in stride(from: 0.0, to: 360, by: 5) {
                let p = destination(from: center, km: radius, bearing: bearing)
                #expect(box.latitude.contains(p.latitude) && box.longitude.contains(p.longitude), "\(name) r \(radius) bearing \(bearing)")
            }
        }
    }

    @Test("the bounding box is not absurdly large")
    func boundingBoxTight() {
        let box = NearbySearch.boundingBox(around: lyon, radiusKm: 30)
        #expect(box.latitude.upperBound - box.latitude.lowerBound < 2 * (30 / kmPerDegree) + 0.05)
        #expect(box.longitude.upperBound - box.longitude.lowerBound < 2 * (30 / (kmPerDegree * cos(46.1 * .pi / 180))) + 0.05)
    }
}
