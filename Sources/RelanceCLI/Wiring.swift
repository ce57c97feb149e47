import Foundation
import Logging
import RelanceConfig
import RelanceCore
import RelanceDelivery
import RelanceEngine
import RelanceStore

/// Builds the services from a loaded config: the only place that knows both.
struct Wiring {
    let config: Config

    func openStore() throws -> SQLiteStore {
        guard config.store.engine == .sqlite, let path = config.store.path else {
            throw WiringError("store.engine = \"postgres\" is not supported by this build yet; use sqlite")
        }
        return try SQLiteStore(path: path, busyTimeout: TimeInterval(config.store.busyTimeout))
    }

    func cycle(_ store: SQLiteStore) -> Cycle {
        Cycle(store: store, settings: .init(policy: config.policy, catchUp: TimeInterval(config.store.catchUp),
                                            quietHours: config.sms.quietHours))
    }

    func dispatcher(_ store: SQLiteStore) throws -> Dispatcher {
        guard let secret = config.links.secret else {
            throw WiringError("links: no link secret: set links.secret_file, or run under systemd with LoadCredential=\(LinksConfig.credentialName):…")
        }
        guard let from = Mailbox(parsing: config.email.from) else { throw WiringError("email.from: not a mailbox") }
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
        default: throw WiringError("sms.transport = \"\(config.sms.transport.rawValue)\" is not available in this build yet; use \"file\" or \"none\"")
        }
        var settings = Dispatcher.Settings(from: from)
        settings.batchSize = config.delivery.batchSize
        settings.retryInitial = TimeInterval(config.delivery.retryInitial)
        settings.retryMax = TimeInterval(config.delivery.retryMax)
        settings.lifetime = TimeInterval(config.delivery.lifetime)
        settings.senders = config.email.transport == .smtp ? config.email.senders : 1
        let links = SignInLink(secret: secret.value, baseURL: config.links.baseURL, ttl: TimeInterval(config.links.ttl))
        return Dispatcher(store: store, renderer: Renderer(links: links, templates: try templates()), email: email, sms: sms,
                          settings: settings)
    }
}

extension Wiring {
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

/// Logs to stderr as single readable lines; journald comes with the service.
func makeLogger(level: LogLevel) -> Logger {
    LoggingSystem.bootstrap { label in
        var h = StreamLogHandler.standardError(label: label)
        h.logLevel = Logger.Level(rawValue: level.rawValue == "notice" ? "notice" : level.rawValue) ?? .info
        return h
    }
    return Logger(label: "relance")
}
