import RelanceCore

extension Config {
    /// The effective config as TOML text, every default filled in, every path absolute, every
    /// secret masked (`(secret from /path)`): what `relance check-config` prints.
    ///
    /// Optional keys that are not set appear as comments. The text parses again into the same
    /// config (a secret read from a `*_file` key keeps that key; one from a systemd credential is
    /// found again through the same `CREDENTIALS_DIRECTORY`).
    public func effectiveTOML() -> String {
        var w = TOMLWriter()
        w.comment("Effective configuration of \(file), defaults filled in, secrets masked.")

        w.table("store")
        w.set("engine", store.engine.rawValue)
        w.set("path", optional: store.path)
        w.set("url", optional: store.url)
        if store.engine == .postgres {
            Self.write(secret: store.password, fileKey: "password_file", credential: StoreConfig.credentialName, to: &w)
        }
        w.set("poll_interval", Self.duration(store.pollInterval))
        w.set("busy_timeout", Self.duration(store.busyTimeout))
        w.set("catch_up", Self.duration(store.catchUp))
        w.set("cycle_limit", store.cycleLimit)
        w.table("store.retention")
        w.set("decisions", Self.duration(store.retention))
        w.set("cycles", Self.duration(store.cycleRetention))

        w.table("links")
        w.set("base_url", links.baseURL)
        Self.write(secret: links.secret, fileKey: "secret_file", credential: LinksConfig.credentialName, to: &w)
        w.set("ttl", Self.duration(links.ttl))

        w.table("email")
        w.set("transport", email.transport.rawValue)
        w.set("url", optional: email.url)
        w.set("tls", email.tls.rawValue)
        if email.from.isEmpty { w.comment("from = (not set)") } else { w.set("from", email.from) }
        w.set("username", optional: email.username)
        Self.write(secret: email.password, fileKey: "password_file", credential: EmailConfig.credentialName, to: &w)
        w.set("spool", optional: email.spool)
        w.set("ca_file", optional: email.caFile)
        w.set("helo_name", optional: email.heloName)
        w.set("connect_timeout", Self.duration(email.connectTimeout))
        w.set("timeout", Self.duration(email.timeout))
        w.set("senders", email.senders)
        w.set("templates", optional: email.templates)
        if let rate = email.rate { w.set("rate", rate) } else { w.comment("rate = (not set: no pacing)") }

        w.table("sms")
        w.set("transport", sms.transport.rawValue)
        w.set("quiet_hours", sms.quietHours?.description ?? "none")
        w.set("spool", optional: sms.spool)
        w.set("from", optional: sms.from)
        w.set("base_url", optional: sms.baseURL)
        w.set("account_sid", optional: sms.accountSID)
        w.set("api_key", optional: sms.apiKey)
        Self.write(secret: sms.token, fileKey: "token_file", credential: SMSConfig.credentialName, to: &w)
        w.set("max_segments", sms.maxSegments)
        w.set("uncertain_retries", sms.uncertainRetries)
        w.set("body_template", optional: sms.bodyTemplate)
        if let rate = sms.rate { w.set("rate", rate) } else { w.comment("rate = (not set: no pacing)") }

        w.table("delivery")
        w.set("batch_size", delivery.batchSize)
        w.set("retry_initial", Self.duration(delivery.retryInitial))
        w.set("retry_max", Self.duration(delivery.retryMax))
        w.set("lifetime", Self.duration(delivery.lifetime))
        w.set("shutdown_grace", Self.duration(delivery.shutdownGrace))
        w.set("lease", Self.duration(delivery.lease))

        w.table("calendar")
        w.set("region", calendar.region.rawValue)
        w.set("default_timezone", calendar.defaultTimezone)

        w.table("log")
        w.set("level", log.level.rawValue)

        if let textfile = metrics.textfile {
            w.table("metrics")
            w.set("textfile", textfile)
        }

        writeRules(to: &w)
        return w.text
    }

    private func writeRules(to w: inout TOMLWriter) {
        for (name, alert) in [(RuleName.patientMessageAlert, policy.patientMessageAlert), (.replyAlert, policy.replyAlert)] {
            w.table("rules.\(name.rawValue)")
            w.set("enabled", alert.enabled)
            w.set("max_age", Self.duration(Int(alert.maxAge)))
            w.set("coalesce", Self.duration(Int(alert.coalesce)))
        }

        w.table("rules.digest")
        w.set("enabled", policy.digest.enabled)
        w.set("threshold", policy.digest.threshold)
        w.set("min_interval", policy.digest.minInterval.description)

        w.table("rules.reminder")
        w.set("enabled", policy.reminder.enabled)
        w.set("after", policy.reminder.after.description)

        let n = policy.nearbyProposal
        w.table("rules.nearby_proposal")
        w.set("enabled", n.enabled)
        w.set("on_address_only", n.onAddressOnly)
        w.set("on_unread", n.onUnread)
        w.set("on_refused", n.onRefused)
        w.set("unread_after", n.unreadAfter.description)
        w.set("max_results", n.maxResults)
        w.set("radius_km", n.radiusKm)

        for (name, toggle) in [(RuleName.fullTextForward, policy.fullTextForward),
                               (.closureAutoReply, policy.closureAutoReply)] {
            w.table("rules.\(name.rawValue)")
            w.set("enabled", toggle.enabled)
        }
    }

    private static func duration(_ seconds: Int) -> String {
        DurationSpec.seconds(seconds).description
    }

    /// A secret's line: its `*_file` key when it came from one, a comment otherwise; never its value.
    private static func write(secret: Secret?, fileKey: String, credential: String, to w: inout TOMLWriter) {
        guard let secret else {
            w.comment("\(fileKey) = (not set; no systemd credential \(credential) either)")
            return
        }
        if let credential = secret.credential {
            w.comment("\(fileKey) = (not set): systemd credential \(credential) \(secret)")
        } else {
            w.set(fileKey, secret.source, note: secret.description)
        }
    }
}
