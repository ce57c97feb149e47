// relance-smtp-bench: drains 10,000 queued emails to a loopback SMTP sink
// (Postfix's smtp-sink) with 1 and 4 connections, next to Postfix's
// smtp-source sending the same number of messages of the same size to the
// same sink in the same run.
//
//   swift run -c release relance-smtp-bench [--messages 10000]
//
// relance's figure is the whole delivery path: lease the outbox rows, render
// each with the templates, sign its link, build the MIME message, send it over
// a reused SMTP connection, and record the row as sent.
import Foundation
import RelanceLoopback
import GRDB
import RelanceCore
import RelanceDelivery
import RelanceStore

let args = CommandLine.arguments
func option(_ name: String, _ fallback: String) -> String {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return fallback }
    return args[i + 1]
}
let messages = Int(option("--messages", "10000"))!
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("relance-smtp-bench-\(getpid())")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }
let now = Timestamp.parse("2026-11-23T10:00:00Z")!

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func freePort() -> Int {
    guard let port = Loopback.freePort() else { print("relance-smtp-bench: no free port on 127.0.0.1"); exit(1) }
    return port
}

func waitListening(_ port: Int) -> Bool { Loopback.waitListening(port) }

// The sink: Postfix's smtp-sink on 127.0.0.1, stopped by its PID at the end.
let port = freePort()
let sink = Process()
sink.executableURL = URL(fileURLWithPath: "/usr/sbin/smtp-sink")
sink.arguments = (getuid() == 0 ? ["-u", "nobody"] : []) + ["-m", "64", "127.0.0.1:\(port)", "256"]
sink.standardOutput = FileHandle.nullDevice
try sink.run()
defer { kill(sink.processIdentifier, SIGTERM); sink.waitUntilExit() }
guard waitListening(port) else { print("smtp-sink did not start on 127.0.0.1:\(port)"); exit(1) }

/// A store holding `count` due reminders, one per practitioner.
func queued(_ count: Int, name: String) throws -> SQLiteStore {
    let path = folder.appendingPathComponent("\(name).sqlite").path
    let store = try SQLiteStore.create(path: path)
    var cycle = CycleRecord(now: now, startedAt: now)
    for i in 1...count {
        let recipient = Recipient(kind: .practitioner, id: Int64(i), displayName: "Dr Hélène Lefèvre \(i)",
                                  locale: i % 5 == 0 ? "en" : "fr", timezone: "Europe/Paris")
        cycle.decisions.append(Decision(key: "reminder:request:\(i)", rule: .reminder, requestID: Int64(i), practitionerID: Int64(i),
                                        decidedAt: now, deliveries: [Delivery(channel: .email, address: "dr\(i)@example.fr", recipient: recipient)]))
    }
    try store.record(cycle)
    return store
}

let links = SignInLink(secret: "bench secret", baseURL: "https://app.example.org", ttl: 72 * 3600)
let renderer = Renderer(links: links, templates: try TemplateSet.load())

func cpuSeconds() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
}
nonisolated(unsafe) var cpuPerMessage: [Int: Double] = [:]

func relance(connections: Int) throws -> Double {
    let store = try queued(messages, name: "c\(connections)")
    var s = SMTPTransport.Settings(url: "smtp://127.0.0.1:\(port)", tls: .none)
    s.heloName = "bench.example.org"
    s.senders = connections
    var settings = Dispatcher.Settings(from: Mailbox(name: "Messagerie Santé", address: "no-reply@example.org"))
    settings.senders = connections
    settings.batchSize = 500
    let dispatcher = Dispatcher(store: store, renderer: renderer, email: SMTPTransport(s), sms: nil, settings: settings)
    var report: Dispatcher.Report?
    let cpu = cpuSeconds()
    let t = try seconds { report = try dispatcher.drain(now: now) }
    cpuPerMessage[connections] = (cpuSeconds() - cpu) / Double(messages)
    guard let report, report.sent == messages else { print("relance: not all \(messages) sent: \(String(describing: report))"); exit(1) }
    return Double(messages) / t
}

/// Size of one rendered message, so smtp-source sends the same bytes per message.
func messageSize() throws -> Int {
    let store = try queued(1, name: "size")
    let item = try store.dueOutbox(now: now, limit: 1)[0]
    let r = renderer.render(item)
    let m = MailMessage(from: Mailbox(name: "Messagerie Santé", address: "no-reply@example.org"),
                        to: Mailbox(name: item.delivery.recipient.displayName, address: item.delivery.address),
                        subject: r.subject, date: now, messageID: "relance.1.x@example.org", text: r.text, html: r.html)
    return m.rendered().utf8.count
}

func smtpSource(sessions: Int, length: Int) throws -> Double {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/sbin/smtp-source")
    // -d: keep each connection for the next message, as relance does.
    p.arguments = ["-d", "-s", String(sessions), "-m", String(messages), "-l", String(length), "-M", "bench.example.org",
                   "-f", "no-reply@example.org", "-t", "dr@example.fr", "127.0.0.1:\(port)"]
    p.standardOutput = FileHandle.nullDevice
    let cpu = childrenCPUSeconds()
    let t = try seconds {
        try p.run()
        p.waitUntilExit()
    }
    guard p.terminationStatus == 0 else { print("smtp-source failed (\(p.terminationStatus))"); exit(1) }
    sourceCPUPerMessage[sessions] = (childrenCPUSeconds() - cpu) / Double(messages)
    return Double(messages) / t
}

/// CPU of the children waited for so far (smtp-source once it has exited; smtp-sink is waited for at the end).
func childrenCPUSeconds() -> Double {
    var u = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &u)
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
}
nonisolated(unsafe) var sourceCPUPerMessage: [Int: Double] = [:]

let size = try messageSize()
print("\(messages) messages of \(size) bytes to smtp-sink on 127.0.0.1:\(port)")
// --relance-only: no smtp-source run (to trace or profile relance alone).
let relanceOnly = args.contains("--relance-only")
let source1 = relanceOnly ? .nan : try smtpSource(sessions: 1, length: size)
let source4 = relanceOnly ? .nan : try smtpSource(sessions: 4, length: size)
let one = try relance(connections: 1)
let four = try relance(connections: 4)
func f(_ x: Double) -> String { String(format: "%8.0f msgs/s", x) }
print("smtp-source, 1 session      \(f(source1))")
print("smtp-source, 4 sessions     \(f(source4))")
print("relance,     1 connection   \(f(one))   \(String(format: "%.2f", one / source1))× smtp-source (goal ≥ 0.6×)")
print("relance,     4 connections  \(f(four))   \(String(format: "%.2f", four / source4))× smtp-source with 4 sessions")
print(String(format: "relance CPU per message (all threads, user + system): %.0f µs with 1 connection, %.0f µs with 4; %d cores online",
             cpuPerMessage[1]! * 1e6, cpuPerMessage[4]! * 1e6, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
if let source = sourceCPUPerMessage[1] {
    // The peer's own cost for the same bytes over loopback TCP: a floor relance cannot go under.
    print(String(format: "smtp-source CPU per message (user + system): %.0f µs with 1 session", source * 1e6))
}

// Where the time goes, one connection: rendering alone, SMTP alone, recording alone.
if args.contains("--breakdown") {
    let store = try queued(2000, name: "breakdown")
    let items = try store.dueOutbox(now: now, limit: 2000)
    var built: [MailMessage] = []
    let tRender = seconds {
        for item in items {
            let r = renderer.render(item)
            built.append(MailMessage(from: Mailbox(name: "Messagerie Santé", address: "no-reply@example.org"),
                                     to: Mailbox(name: item.delivery.recipient.displayName, address: item.delivery.address),
                                     subject: r.subject, date: now, messageID: "relance.\(item.id).x@example.org", text: r.text, html: r.html))
        }
    }
    var bytes = 0
    let tMime = seconds { for m in built { bytes += m.rendered().utf8.count } }
    var s = SMTPTransport.Settings(url: "smtp://127.0.0.1:\(port)", tls: .none)
    s.heloName = "bench.example.org"
    let smtp = SMTPTransport(s)
    let tSend = seconds { for (i, m) in built.enumerated() { _ = smtp.send(m, outboxID: Int64(i)) } }
    let c0 = cpuSeconds()
    let tFinish = try seconds { for item in items { try store.finish(item.id, .sent(providerID: nil), at: now) } }
    let cFinish = cpuSeconds() - c0
    let c1 = cpuSeconds()
    let tRead = try seconds { for _ in 0..<(items.count / 100) { _ = try store.dueOutbox(now: now.addingTimeInterval(-1e6), limit: 100) } }
    _ = tRead
    let store2 = try queued(2000, name: "breakdown2")
    let c2 = cpuSeconds()
    let tLease = try seconds { for chunk in stride(from: 0, to: 2000, by: 100) {
        let rows = try store2.dueOutbox(now: now, limit: 100)
        try store2.lease(rows.map(\.id), until: now.addingTimeInterval(300))
        _ = chunk
    } }
    let cLease = cpuSeconds() - c2
    _ = c1
    let c3 = cpuSeconds()
    let tSend2 = seconds { for (i, m) in built.enumerated() { _ = smtp.send(m, outboxID: Int64(i)) } }
    let cSend = cpuSeconds() - c3
    func us(_ t: Double) -> String { String(format: "%4.0f µs", t / Double(items.count) * 1e6) }
    print("per message, wall: render \(us(tRender)), MIME \(us(tMime)), SMTP incl. MIME \(us(tSend)) then \(us(tSend2)), record \(us(tFinish)), take (read + lease) \(us(tLease))")
    print("per message, CPU: SMTP incl. MIME \(us(cSend)), record \(us(cFinish)), take \(us(cLease))")
}
