import ArgumentParser
import Foundation
import Logging
import RelanceConfig
import RelanceCore
import RelanceDelivery
import RelanceEngine
import RelancePostgres
import RelanceStore

/// Builds the services from a loaded config: the only place that knows both.
struct Wiring {
    let config: Config

    /// The store the config names, opened and migrated. For SQLite, what this changes in the
    /// platform's file (WAL, `relance_*` indexes) is logged once, on the start that makes the change.
    func openStore(logger: Logger? = nil) throws -> any MessageStore {
        switch config.store.engine {
        case .sqlite:
            guard let path = config.store.path else { throw WiringError("store.path: engine = \"sqlite\" needs the file") }
            let changes = SQLiteStore.platformChanges(path: path)
            let store = try SQLiteStore(path: path, busyTimeout: TimeInterval(config.store.busyTimeout))
            for change in changes {
                if let logger {
                    logger.notice("store \(path): relance is \(change)", metadata: ["event": "store_changed"])
                } else {
                    printError("note: store \(path): relance is \(change)")
                }
            }
            return store
        case .postgres:
            guard let url = config.store.url else { throw WiringError("store.url: engine = \"postgres\" needs a URL") }
            return try PostgresStore(url: url, password: config.store.password?.value)
        }
    }

    /// The store the config names, created when absent (the demo): the platform's tables, then relance's.
    func createStore(replacing: Bool) throws -> (any PlatformWriter, String) {
        switch config.store.engine {
        case .sqlite:
            guard let path = config.store.path else { throw WiringError("store.path: engine = \"sqlite\" needs the file") }
            return try Self.createSQLiteStore(path: path, replacing: replacing)
        case .postgres:
            guard let url = config.store.url else { throw WiringError("store.url: engine = \"postgres\" needs a URL") }
            let store = try PostgresStore.create(url: url, password: config.store.password?.value)
            return (store, store.location)
        }
    }

    static func createSQLiteStore(path: String, replacing: Bool) throws -> (any PlatformWriter, String) {
        let fm = FileManager.default
        if fm.fileExists(atPath: path) {
            guard replacing else { throw ValidationError("\(path) exists; pass --force to replace it") }
            for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: path + suffix) }
        }
        return (try SQLiteStore.create(path: path), path)
    }

    func cycle(_ store: any MessageStore, logger: Logger) -> Cycle {
        var settings = Cycle.Settings(policy: config.policy, catchUp: TimeInterval(config.store.catchUp),
                                      quietHours: config.sms.quietHours,
                                      retention: Retention(decisions: TimeInterval(config.store.retention),
                                                           cycles: TimeInterval(config.store.cycleRetention)))
        settings.limit = config.store.cycleLimit
        return Cycle(store: store, settings: settings, logger: logger)
    }

    func dispatcher(_ store: any MessageStore, logger: Logger) throws -> Dispatcher {
        guard let secret = config.links.secret else {
            throw WiringError("links: no link secret: set links.secret_file, or run under systemd with LoadCredential=\(LinksConfig.credentialName):…")
        }
        // The sender goes out as its wire form too: a Unicode domain as its A-label.
        guard let parsed = Mailbox(parsing: config.email.from), let address = try? EmailAddress(parsed.address) else {
            throw WiringError("email.from: not a mailbox")
        }
        let from = Mailbox(name: parsed.name, address: address.wire)
        let email: (any RelanceDelivery.EmailTransport)?
        switch config.email.transport {
        case .file: email = FileEmailTransport(folder: config.email.spool ?? "spool/email")
        case .none: email = nil
        case .smtp: email = try smtpTransport()
        }
        let sms: (any RelanceDelivery.SMSTransport)?
        switch config.sms.transport {
        case .file: sms = FileSMSTransport(folder: config.sms.spool ?? "spool/sms", from: config.sms.from)
        case .none: sms = nil
        case .twilio, .vonage, .webhook: sms = try smsGateway()
        }
        var settings = Dispatcher.Settings(from: from)
        settings.batchSize = config.delivery.batchSize
        settings.retryInitial = TimeInterval(config.delivery.retryInitial)
        settings.retryMax = TimeInterval(config.delivery.retryMax)
        settings.lifetime = TimeInterval(config.delivery.lifetime)
        settings.lease = TimeInterval(config.delivery.lease)
        settings.smsMaxSegments = config.sms.maxSegments
        settings.senders = config.email.transport == .smtp ? config.email.senders : 1
        settings.lease = TimeInterval(config.delivery.lease)
        settings.emailRate = config.email.rate
        settings.smsRate = config.sms.rate
        let links = SignInLink(secret: secret.value, baseURL: config.links.baseURL, ttl: TimeInterval(config.links.ttl))
        return Dispatcher(store: store, renderer: Renderer(links: links, templates: try templates()), email: email, sms: sms,
                          settings: settings, logger: logger)
    }
}

extension Wiring {
    /// The HTTP SMS gateway of `[sms]`, with its token from the secret file or credential.
    func smsGateway() throws -> any RelanceDelivery.SMSTransport {
        let c = config.sms
        let http = CurlHTTP()
        let token = c.token?.value
        switch c.transport {
        case .twilio:
            guard let token else { throw WiringError("sms: twilio needs its auth token: set sms.token_file, or LoadCredential=\(SMSConfig.credentialName):…") }
            return TwilioSMSTransport(http: http, baseURL: c.baseURL ?? "https://api.twilio.com", accountSID: c.accountSID ?? "",
                                      token: token, from: c.from ?? "", uncertainRetries: c.uncertainRetries)
        case .vonage:
            guard let token else { throw WiringError("sms: vonage needs its API secret: set sms.token_file, or LoadCredential=\(SMSConfig.credentialName):…") }
            return VonageSMSTransport(http: http, baseURL: c.baseURL ?? "https://rest.nexmo.com", apiKey: c.apiKey ?? "",
                                      apiSecret: token, from: c.from ?? "")
        default:
            return WebhookSMSTransport(http: http, url: c.baseURL ?? "", token: token, from: c.from,
                                       template: c.bodyTemplate ?? WebhookSMSTransport.defaultTemplate)
        }
    }

    /// The built-in templates with `email.templates` over them; every problem is a config error.
    func templates() throws -> TemplateSet {
        do {
            return try TemplateSet.load(overrides: config.email.templates)
        } catch {
            throw WiringError("email.templates: a template cannot be used:\n" + error.problems.map { "  \($0)" }.joined(separator: "\n"))
        }
    }

    func smtpTransport() throws -> SMTPTransport {
        let e = config.email
        guard let url = e.url else { throw WiringError("email.url: transport = \"smtp\" needs the server") }
        var s = SMTPTransport.Settings(url: url, tls: SMTPTransport.TLS(rawValue: e.tls.rawValue) ?? .starttls)
        s.username = e.username
        s.password = e.password?.value
        s.caFile = e.caFile
        s.heloName = e.heloName
        s.connectTimeout = e.connectTimeout
        s.timeout = e.timeout
        s.senders = e.senders
        return SMTPTransport(s)
    }
}

struct WiringError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
