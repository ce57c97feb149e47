/// The cities the demo's practitioners and patients live in, with their
/// centres, local cabinet names and phone prefixes.
struct City: Sendable, Equatable {
    let name: String
    let latitude: Double
    let longitude: Double
    let timezone: String
    /// E.164 prefix of landlines ("+331" for Paris).
    let landline: String
    /// Neighbourhood names for "Cabinet dentaire Saint-Éloi" style names.
    let quarters: [String]

    static let paris = City(
        name: "Paris", latitude: 48.8566, longitude: 2.3522, timezone: "Europe/Paris", landline: "+331",
        quarters: ["Saint-Éloi", "des Batignolles", "de la Butte-aux-Cailles", "Daumesnil", "Montparnasse",
                   "de Ménilmontant", "Saint-Médard", "de l'Étoile", "du Faubourg Saint-Honoré"])
    static let lyon = City(
        name: "Lyon", latitude: 45.7640, longitude: 4.8357, timezone: "Europe/Paris", landline: "+334",
        quarters: ["Bellecour", "de la Croix-Rousse", "des Brotteaux", "Saint-Jean", "de Fourvière", "de Gerland"])
    static let rennes = City(
        name: "Rennes", latitude: 48.1173, longitude: -1.6778, timezone: "Europe/Paris", landline: "+332",
        quarters: ["du Thabor", "Sainte-Anne", "des Lices", "de Bréquigny", "de Cleunay"])
    static let saintDenisReunion = City(
        name: "Saint-Denis (La Réunion)", latitude: -20.8823, longitude: 55.4504, timezone: "Indian/Reunion",
        landline: "+262262", quarters: ["du Barachois"])

    /// A point scattered uniformly over the disc of `radiusKm` around the centre,
    /// rounded to 5 decimals (about a metre).
    func scatter(radiusKm: Double, using rng: inout SplitMix64) -> (latitude: Double, longitude: Double) {
        let r = radiusKm * rng.unit().squareRoot()
        let (sin, cos) = Self.sinCos(rng.double(0, 2 * Double.pi))
        let dLat = r * cos / 111.32
        let dLon = r * sin / (111.32 * Self.sinCos(latitude * Double.pi / 180).cos)
        func round5(_ x: Double) -> Double { (x * 100_000).rounded() / 100_000 }
        return (round5(latitude + dLat), round5(longitude + dLon))
    }

    /// Great-circle distance in km (equirectangular: exact enough within a city).
    static func distanceKm(_ a: (Double, Double), _ b: (Double, Double)) -> Double {
        let meanLat = (a.0 + b.0) / 2 * Double.pi / 180
        let x = (b.1 - a.1) * 111.32 * sinCos(meanLat).cos
        let y = (b.0 - a.0) * 111.32
        return (x * x + y * y).squareRoot()
    }

    /// Sine and cosine by Taylor series: deterministic on every platform, unlike libm's last bits.
    static func sinCos(_ angle: Double) -> (sin: Double, cos: Double) {
        var x = angle.truncatingRemainder(dividingBy: 2 * Double.pi)
        if x > Double.pi { x -= 2 * Double.pi }
        if x < -Double.pi { x += 2 * Double.pi }
        var s = 0.0, c = 0.0, term = 1.0
        for k in 0..<30 {
            if k % 2 == 0 { c += (k / 2) % 2 == 0 ? term : -term } else { s += (k / 2) % 2 == 0 ? term : -term }
            term *= x / Double(k + 1)
        }
        return (s, c)
    }
}

/// E.164 phone numbers.
enum Phones {
    /// A French mobile, "+336…" or "+337…".
    static func mobile(using rng: inout SplitMix64) -> String {
        (rng.chance(0.7) ? "+336" : "+337") + digits(8, using: &rng)
    }

    static func landline(_ city: City, using rng: inout SplitMix64) -> String {
        city.landline + digits(city.landline.count > 4 ? 6 : 8, using: &rng)
    }

    static func digits(_ n: Int, using rng: inout SplitMix64) -> String {
        String((0..<n).map { _ in Character(String(rng.int(0..<10))) })
    }
}
