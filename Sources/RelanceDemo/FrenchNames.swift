/// First names and surnames for the demo's people, with the accents French
/// names really carry, and the ASCII folding used to build e-mail addresses.
enum FrenchNames {
    static let femaleFirstNames = [
        "Zoé", "Anaïs", "Gaëlle", "Hélène", "Maëlys", "Chloé", "Cécile", "Léa", "Inès", "Élodie",
        "Mélanie", "Aurélie", "Séverine", "Noémie", "Océane", "Clémence", "Frédérique", "Valérie",
        "Camille", "Manon", "Julie", "Sophie", "Émilie", "Agnès", "Bérénice", "Laëtitia", "Joséphine",
        "Margaux", "Salomé", "Anaëlle", "Rosalie", "Thérèse", "Geneviève", "Nathalie", "Isabelle",
        "Éloïse", "Capucine", "Louise", "Jeanne", "Maïwenn", "Solène", "Armelle", "Ségolène", "Lucie",
    ]

    static let maleFirstNames = [
        "Loïc", "François", "Jérôme", "Noël", "Benoît", "Théo", "Rémi", "Hervé", "Gaël", "Mathéo",
        "Stéphane", "Frédéric", "Grégoire", "Aurélien", "Timothée", "Clément", "Jérémy", "Cédric",
        "Raphaël", "Étienne", "Mickaël", "Joël", "Anaël", "Valentin", "Hugo", "Julien", "Nicolas",
        "Antoine", "Pierre", "Yannick", "Erwan", "Gwénaël", "Maël", "Thibault", "Sébastien", "Léo",
        "Adrien", "Bastien", "René", "André",
    ]

    static let surnames = [
        "Lefèvre", "Bérénice", "Müller", "Dupré", "Gérard", "Mézière", "Lemaître", "Lefebvre",
        "Bénard", "Chevalier", "Lévêque", "Rivière", "Fèvre", "Girard", "Thébault", "Le Gall",
        "Le Goff", "Kerhervé", "Guého", "Prévost", "Mercier", "Bonnet", "Fournier", "Lambert",
        "Fontaine", "Rousseau", "Vincent", "Muller", "Lefranc", "Bréhier", "Hénaff", "Daoudi",
        "Benaïssa", "Nguyen", "Da Silva", "Ferreira", "Martin", "Bernard", "Petit", "Durand",
        "Moreau", "Laurent", "Garnier", "Faure", "André", "Roux", "Caillé", "Méheust", "Aubé",
        "Pétain-Roux", "Noël", "Cléret", "Lebœuf", "Bouvier", "Delaunay", "Désiré", "Texier",
        "Besançon", "Ménard", "Jégou", "Le Bihan", "Hérault", "Sénéchal", "Dubœuf", "Gauthier",
    ]

    static let englishFirstNames = ["Emily", "Oliver", "Charlotte", "James", "Grace", "William", "Sarah", "Thomas"]
    static let englishSurnames = ["Carter", "Whitaker", "O'Connor", "Bennett", "Hughes", "Fletcher", "Turner"]

    /// Lower-case ASCII for an e-mail local part: "Hélène Lefèvre" → "helene-lefevre" (with `separator` ".").
    static func folded(_ text: String, separator: Character = "-") -> String {
        var out = ""
        for c in text.lowercased() {
            switch c {
            case "à", "â", "ä", "á": out.append("a")
            case "ç": out.append("c")
            case "é", "è", "ê", "ë": out.append("e")
            case "î", "ï", "í": out.append("i")
            case "ô", "ö", "ó": out.append("o")
            case "ù", "û", "ü", "ú": out.append("u")
            case "ÿ": out.append("y")
            case "œ": out.append(contentsOf: "oe")
            case "æ": out.append(contentsOf: "ae")
            case " ", "-", "'", "’":
                if let last = out.last, last != separator { out.append(separator) }
            default:
                if c.isASCII, c.isLetter || c.isNumber { out.append(c) }
            }
        }
        while out.last == separator { out.removeLast() }
        return out
    }
}
