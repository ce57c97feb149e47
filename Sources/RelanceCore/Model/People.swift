import Foundation

/// A doctor or clinic receiving requests (`practitioners`).
public struct Practitioner: Hashable, Sendable, Codable {
    public enum Profile: String, Sendable, Codable, CaseIterable {
        /// Every contact detail on the profile: gets reminders.
        case complete
        /// Only an address: gets no reminder; patients are offered others nearby.
        case addressOnly = "address_only"
    }

    public var id: Int64
    public var displayName: String
    public var email: String?
    public var phone: String?
    public var profile: Profile
    public var specialty: String?
    public var latitude: Double?
    public var longitude: Double?
    public var timezone: String
    public var locale: String
    public var messagingOpen: Bool
    public var notifyEachRequest: Bool
    public var smsAlerts: Bool
    public var forwardFullText: Bool

    public init(id: Int64, displayName: String, email: String? = nil, phone: String? = nil,
                profile: Profile = .complete, specialty: String? = nil,
                latitude: Double? = nil, longitude: Double? = nil,
                timezone: String = "Europe/Paris", locale: String = "fr",
                messagingOpen: Bool = true, notifyEachRequest: Bool = true,
                smsAlerts: Bool = false, forwardFullText: Bool = false) {
        self.id = id; self.displayName = displayName; self.email = email; self.phone = phone
        self.profile = profile; self.specialty = specialty
        self.latitude = latitude; self.longitude = longitude
        self.timezone = timezone; self.locale = locale; self.messagingOpen = messagingOpen
        self.notifyEachRequest = notifyEachRequest; self.smsAlerts = smsAlerts
        self.forwardFullText = forwardFullText
    }

    public var coordinate: Coordinate? {
        guard let latitude, let longitude else { return nil }
        return Coordinate(latitude: latitude, longitude: longitude)
    }
}

/// Someone who handles a practitioner's requests and gets their alerts too (`assistants`).
public struct Assistant: Hashable, Sendable, Codable {
    public var id: Int64
    public var practitionerID: Int64
    public var displayName: String
    public var email: String?
    public var phone: String?

    public init(id: Int64, practitionerID: Int64, displayName: String, email: String? = nil, phone: String? = nil) {
        self.id = id; self.practitionerID = practitionerID; self.displayName = displayName
        self.email = email; self.phone = phone
    }
}

/// A practitioner's holiday (`closures`): inclusive local dates.
public struct Closure: Hashable, Sendable {
    public var practitionerID: Int64
    public var startsOn: CivilDate
    public var endsOn: CivilDate
    public var note: String?

    public init(practitionerID: Int64, startsOn: CivilDate, endsOn: CivilDate, note: String? = nil) {
        self.practitionerID = practitionerID; self.startsOn = startsOn; self.endsOn = endsOn; self.note = note
    }

    public var days: ClosedRange<CivilDate> { startsOn...max(startsOn, endsOn) }
}

/// Someone writing to practitioners (`patients`).
public struct Patient: Hashable, Sendable, Codable {
    public var id: Int64
    public var displayName: String
    public var email: String?
    public var phone: String?
    public var locale: String
    public var latitude: Double?
    public var longitude: Double?
    public var emailOptIn: Bool
    public var smsOptIn: Bool

    public init(id: Int64, displayName: String, email: String? = nil, phone: String? = nil,
                locale: String = "fr", latitude: Double? = nil, longitude: Double? = nil,
                emailOptIn: Bool = true, smsOptIn: Bool = false) {
        self.id = id; self.displayName = displayName; self.email = email; self.phone = phone
        self.locale = locale; self.latitude = latitude; self.longitude = longitude
        self.emailOptIn = emailOptIn; self.smsOptIn = smsOptIn
    }
}

/// A point on the Earth, in degrees.
public struct Coordinate: Hashable, Sendable, Codable {
    public var latitude: Double
    public var longitude: Double

    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude; self.longitude = longitude
    }

    /// Great-circle distance in kilometres (haversine, mean Earth radius 6371.0088 km).
    public func distanceKm(to other: Coordinate) -> Double {
        let r = 6371.0088
        let φ1 = latitude * .pi / 180, φ2 = other.latitude * .pi / 180
        let dφ = φ2 - φ1, dλ = (other.longitude - longitude) * .pi / 180
        let a = sin(dφ / 2) * sin(dφ / 2) + cos(φ1) * cos(φ2) * sin(dλ / 2) * sin(dλ / 2)
        return 2 * r * asin(min(1, a.squareRoot()))
    }
}
