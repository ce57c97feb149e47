/// The specialties of the demo's practitioners and what each practises
/// (`practitioner_procedures`), with how their practices are named.
struct Specialty: Sendable, Equatable {
    /// As stored in `practitioners.specialty`.
    let name: String
    /// The procedures a practitioner of this specialty may practise; each picks most of them.
    let procedures: [String]
    /// Whether practitioners are addressed as "Dr".
    let isDoctor: Bool
    /// "Cabinet dentaire" → "Cabinet dentaire Saint-Éloi"; nil when practices bear a person's name.
    let practiceKind: String?

    static let generaliste = Specialty(
        name: "médecin généraliste",
        procedures: ["consultation", "certificat médical", "renouvellement d'ordonnance", "vaccination",
                     "résultats d'analyses", "arrêt de travail"],
        isDoctor: true, practiceKind: "Cabinet médical")
    static let dentiste = Specialty(
        name: "dentiste",
        procedures: ["détartrage", "extraction", "blanchiment", "couronne", "soin de carie", "urgence dentaire"],
        isDoctor: true, practiceKind: "Cabinet dentaire")
    static let kine = Specialty(
        name: "kinésithérapeute",
        procedures: ["rééducation du genou", "rééducation post-opératoire", "lombalgie", "drainage lymphatique",
                     "kinésithérapie respiratoire"],
        isDoctor: false, practiceKind: "Cabinet de kinésithérapie")
    static let dermatologue = Specialty(
        name: "dermatologue",
        procedures: ["contrôle des grains de beauté", "acné", "eczéma", "cryothérapie", "chute de cheveux"],
        isDoctor: true, practiceKind: nil)
    static let ophtalmologiste = Specialty(
        name: "ophtalmologiste",
        procedures: ["examen de la vue", "renouvellement de lunettes", "lentilles de contact", "fond d'œil",
                     "suivi du glaucome"],
        isDoctor: true, practiceKind: "Centre d'ophtalmologie")
    static let sageFemme = Specialty(
        name: "sage-femme",
        procedures: ["suivi de grossesse", "préparation à l'accouchement", "rééducation périnéale",
                     "contraception", "entretien prénatal précoce"],
        isDoctor: false, practiceKind: nil)
    static let pediatre = Specialty(
        name: "pédiatre",
        procedures: ["vaccination", "suivi du nourrisson", "certificat médical", "bilan de croissance"],
        isDoctor: true, practiceKind: nil)
    static let psychologue = Specialty(
        name: "psychologue",
        procedures: ["thérapie individuelle", "thérapie de couple", "bilan psychologique", "gestion du stress"],
        isDoctor: false, practiceKind: nil)
    static let osteopathe = Specialty(
        name: "ostéopathe",
        procedures: ["lombalgie", "torticolis", "ostéopathie du nourrisson", "douleurs cervicales"],
        isDoctor: false, practiceKind: nil)
    static let orthophoniste = Specialty(
        name: "orthophoniste",
        procedures: ["bilan orthophonique", "rééducation du langage", "dyslexie", "bégaiement"],
        isDoctor: false, practiceKind: nil)

    static let all: [Specialty] = [generaliste, dentiste, kine, dermatologue, ophtalmologiste,
                                   sageFemme, pediatre, psychologue, osteopathe, orthophoniste]

    /// How many practitioners of each specialty practise in each city (50 in all).
    static let roster: [(City, [(Specialty, Int)])] = [
        (.paris, [(generaliste, 4), (dentiste, 3), (kine, 3), (dermatologue, 2), (ophtalmologiste, 2),
                  (sageFemme, 1), (pediatre, 2), (psychologue, 2), (osteopathe, 1), (orthophoniste, 1)]),
        (.lyon, [(generaliste, 3), (dentiste, 2), (kine, 2), (dermatologue, 1), (ophtalmologiste, 2),
                 (sageFemme, 1), (pediatre, 1), (psychologue, 2), (osteopathe, 1), (orthophoniste, 1)]),
        (.rennes, [(generaliste, 3), (dentiste, 2), (kine, 2), (dermatologue, 1), (ophtalmologiste, 1),
                   (sageFemme, 1), (pediatre, 1), (osteopathe, 1)]),
        (.saintDenisReunion, [(generaliste, 1)]),
    ]
}
