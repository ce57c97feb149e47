import RelanceCore

/// `[rules.NAME]` tables, read into RelanceCore's ``Policy``.
enum RulesSection {
    /// Reads `[rules]` (whose only entries are rule tables) into `policy`.
    static func read(_ rules: inout TableReader, into policy: inout Policy) {
        for rule in RuleName.allCases {
            var r = rules.table(rule.rawValue)
            read(rule, &r, into: &policy)
            r.finish()
        }
        rules.finish(children: .rules)
    }

    private static let someBusinessDays = 1...250
    private static let someSeconds = Seconds.minute...366 * Seconds.day

    /// `enabled`, `max_age` ["72h"] and `coalesce` ["15m"] of the two message alerts.
    private static func readAlert(_ r: inout TableReader, _ alert: Policy.MessageAlert) -> Policy.MessageAlert {
        var a = alert
        a.enabled = r.bool("enabled", default: a.enabled)
        a.maxAge = Double(r.seconds("max_age", default: Int(a.maxAge), range: 0...366 * Seconds.day))
        a.coalesce = Double(r.seconds("coalesce", default: Int(a.coalesce), range: 0...Seconds.day))
        return a
    }

    private static func read(_ rule: RuleName, _ r: inout TableReader, into p: inout Policy) {
        switch rule {
        case .patientMessageAlert:
            p.patientMessageAlert = readAlert(&r, p.patientMessageAlert)
        case .digest:
            p.digest.enabled = r.bool("enabled", default: p.digest.enabled)
            p.digest.threshold = r.int("threshold", default: p.digest.threshold, range: 1...1000)
            p.digest.minInterval = r.duration("min_interval", default: p.digest.minInterval,
                                              .fixedOrBusiness(seconds: someSeconds, businessDays: someBusinessDays))
        case .reminder:
            p.reminder.enabled = r.bool("enabled", default: p.reminder.enabled)
            p.reminder.after = r.duration("after", default: p.reminder.after,
                                          .fixedOrBusiness(seconds: someSeconds, businessDays: someBusinessDays))
        case .nearbyProposal:
            var n = p.nearbyProposal
            n.enabled = r.bool("enabled", default: n.enabled)
            n.onAddressOnly = r.bool("on_address_only", default: n.onAddressOnly)
            n.onUnread = r.bool("on_unread", default: n.onUnread)
            n.onRefused = r.bool("on_refused", default: n.onRefused)
            n.unreadAfter = r.duration("unread_after", default: n.unreadAfter,
                                       .fixedOrBusiness(seconds: someSeconds, businessDays: someBusinessDays))
            n.maxResults = r.int("max_results", default: n.maxResults, range: 1...20)
            n.radiusKm = r.number("radius_km", default: n.radiusKm, above: 0, upTo: 500)
            p.nearbyProposal = n
        case .replyAlert:
            p.replyAlert = readAlert(&r, p.replyAlert)
        case .fullTextForward:
            p.fullTextForward.enabled = r.bool("enabled", default: p.fullTextForward.enabled)
        case .closureAutoReply:
            p.closureAutoReply.enabled = r.bool("enabled", default: p.closureAutoReply.enabled)
        }
    }
}
