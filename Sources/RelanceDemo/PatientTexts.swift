/// What patients write: first messages of requests, reminders of their own,
/// follow-ups after a reply. Plausible, never real.
enum PatientTexts {
    /// What the patient asks for, by procedure (completes "je souhaiterais …").
    static let wishes: [String: [String]] = [
        "consultation": ["un rendez-vous cette semaine pour une toux qui traîne depuis dix jours",
                         "un rendez-vous pour des maux de tête fréquents"],
        "certificat médical": ["un certificat médical de non contre-indication au sport pour mon club de judo",
                               "un certificat médical pour l'inscription de ma fille à la piscine"],
        "renouvellement d'ordonnance": ["un renouvellement d'ordonnance pour mon traitement habituel contre l'hypertension",
                                        "un renouvellement d'ordonnance pour ma pilule, l'ancienne arrive à échéance"],
        "vaccination": ["faire le rappel du vaccin contre le tétanos",
                        "savoir si je peux faire le vaccin contre la grippe chez vous"],
        "résultats d'analyses": ["avoir votre avis sur mes résultats d'analyses de sang reçus hier",
                                 "discuter de mes résultats d'analyses, le laboratoire m'a dit de vous les montrer"],
        "arrêt de travail": ["savoir si mon arrêt de travail peut être prolongé, je ne suis pas encore rétabli"],
        "détartrage": ["prendre rendez-vous pour un détartrage, le dernier date d'il y a plus d'un an"],
        "extraction": ["un rendez-vous pour l'extraction d'une dent de sagesse qui me fait souffrir"],
        "blanchiment": ["un devis pour un blanchiment dentaire"],
        "couronne": ["un rendez-vous pour une couronne, l'ancienne s'est descellée"],
        "soin de carie": ["faire soigner une carie, j'ai mal quand je bois froid"],
        "urgence dentaire": ["un rendez-vous en urgence, je me suis cassé une dent ce matin"],
        "rééducation du genou": ["commencer des séances de rééducation du genou après une entorse (j'ai l'ordonnance)"],
        "rééducation post-opératoire": ["commencer la rééducation après mon opération de l'épaule prévue le mois prochain"],
        "lombalgie": ["un rendez-vous pour un mal de dos qui me bloque depuis trois jours"],
        "drainage lymphatique": ["des séances de drainage lymphatique prescrites par mon médecin"],
        "kinésithérapie respiratoire": ["des séances de kinésithérapie respiratoire pour mon fils de 8 mois, bronchiolite"],
        "contrôle des grains de beauté": ["faire contrôler mes grains de beauté, l'un d'eux a changé d'aspect"],
        "acné": ["un rendez-vous pour mon fils de 15 ans qui souffre d'acné"],
        "eczéma": ["un avis pour un eczéma sur les mains qui ne guérit pas"],
        "cryothérapie": ["faire enlever une verrue plantaire par cryothérapie"],
        "chute de cheveux": ["consulter pour une chute de cheveux importante depuis l'été"],
        "examen de la vue": ["un examen de la vue, j'ai du mal à lire de près depuis quelques mois"],
        "renouvellement de lunettes": ["une ordonnance pour renouveler mes lunettes"],
        "lentilles de contact": ["une adaptation pour des lentilles de contact"],
        "fond d'œil": ["faire un fond d'œil demandé par mon diabétologue"],
        "suivi du glaucome": ["prendre mon rendez-vous annuel de suivi du glaucome"],
        "suivi de grossesse": ["un suivi de grossesse, je suis enceinte de 10 semaines"],
        "préparation à l'accouchement": ["m'inscrire aux séances de préparation à l'accouchement (terme prévu en mars)"],
        "rééducation périnéale": ["commencer la rééducation périnéale, j'ai accouché il y a deux mois"],
        "contraception": ["faire le point sur ma contraception"],
        "entretien prénatal précoce": ["prendre rendez-vous pour l'entretien prénatal précoce"],
        "suivi du nourrisson": ["prendre rendez-vous pour la visite du premier mois de ma fille Maëlle"],
        "bilan de croissance": ["un bilan de croissance pour mon fils, il grandit peu selon l'école"],
        "thérapie individuelle": ["commencer un suivi, je traverse une période difficile au travail"],
        "thérapie de couple": ["un premier rendez-vous en thérapie de couple avec mon conjoint"],
        "bilan psychologique": ["un bilan psychologique pour ma fille, conseillé par son enseignante"],
        "gestion du stress": ["un accompagnement pour des crises d'angoisse avant les examens"],
        "torticolis": ["un rendez-vous pour un torticolis, je ne peux plus tourner la tête"],
        "ostéopathie du nourrisson": ["une séance pour mon bébé de 3 semaines qui pleure beaucoup après les tétées"],
        "douleurs cervicales": ["un rendez-vous pour des douleurs cervicales liées au télétravail"],
        "bilan orthophonique": ["un bilan orthophonique pour mon fils de 4 ans, sur conseil de la PMI"],
        "rééducation du langage": ["une rééducation du langage pour ma fille qui entre en CP"],
        "dyslexie": ["un bilan pour une suspicion de dyslexie, mon fils est en CE2"],
        "bégaiement": ["un suivi pour le bégaiement de mon fils de 6 ans"],
    ]

    static let generic = [
        "un rendez-vous rapidement, est-ce possible cette semaine",
        "savoir si vous prenez de nouveaux patients",
        "vous poser une question au sujet de mon traitement",
    ]

    static let details = [
        "Je suis disponible plutôt en fin de journée.", "Je peux me libérer le mercredi après-midi.",
        "C'est assez urgent, si possible.", "Faut-il apporter quelque chose de particulier ?",
        "Ma carte Vitale est à jour.", "Je peux envoyer les documents par la messagerie si besoin.",
        "", "", "",
    ]

    static let closings = ["Merci d'avance.", "Bien cordialement,", "Merci beaucoup pour votre retour.",
                           "Cordialement,", "Belle journée à vous,"]

    /// The first message of a request.
    static func request(procedure: String?, toDoctor: Bool, patientName: String, english: Bool,
                        secondary: Bool, using rng: inout SplitMix64) -> String {
        if english {
            let subject = procedure.map { "regarding \"\($0)\"" } ?? "as soon as possible"
            return "Hello\(toDoctor ? " Doctor" : ""),\nI would like to book an appointment \(subject). "
                + "I speak a little French if needed.\nKind regards,\n\(patientName)"
        }
        let greeting = toDoctor ? "Bonjour Docteur," : rng.pick(["Bonjour,", "Bonjour Madame, Monsieur,"])
        let intro = secondary ? "La plateforme m'a proposé votre cabinet : je n'ai pas eu de réponse ailleurs. " : ""
        let wish = procedure.flatMap { wishes[$0] }.map { rng.pick($0) } ?? rng.pick(generic)
        let question = wish.hasSuffix("semaine") ? " ?" : "."
        let detail = rng.pick(details)
        return "\(greeting)\n\(intro)Je souhaiterais \(wish)\(question)\(detail.isEmpty ? "" : " \(detail)")\n"
            + "\(rng.pick(closings))\n\(patientName)"
    }

    /// A patient's own reminder on a request still unanswered.
    static func nudge(english: Bool, using rng: inout SplitMix64) -> String {
        english ? "Hello, I am following up on my request: could you let me know? Thank you."
            : rng.pick([
                "Bonjour, je me permets de relancer ma demande, je n'ai pas eu de nouvelles. Merci.",
                "Bonjour, avez-vous pu voir mon message ? C'est un peu urgent. Cordialement.",
                "Re-bonjour, je n'ai toujours pas de réponse, pouvez-vous me rappeler ? Merci d'avance.",
            ])
    }

    /// A patient's message after the practitioner replied.
    static func followUp(english: Bool, using rng: inout SplitMix64) -> String {
        english ? "Thank you very much, see you then."
            : rng.pick([
                "Merci beaucoup docteur, c'est noté !",
                "Parfait, merci. Dois-je venir à jeun ?",
                "Merci pour votre réponse. Serait-il possible de décaler d'une heure ?",
                "Très bien, je serai là. Bonne journée.",
                "Merci ! Je vous envoie l'ordonnance de mon médecin en pièce jointe dès que possible.",
            ])
    }
}
