import Foundation
import Testing
@testable import RelanceDelivery

/// Issue 11, finding 5: the spool's temporary file never follows a planted symlink.
@Suite struct SpoolTests {
    func message() -> MailMessage {
        MailMessage(from: Mailbox(name: nil, address: "no-reply@example.org"), to: Mailbox(name: nil, address: "a@example.org"),
                    subject: "Rappel", date: Date(timeIntervalSince1970: 1_779_094_800), messageID: "relance.7.x@example.org",
                    text: "texte", html: "<p>html</p>")
    }

    @Test func aSymlinkPlantedAtTheTempNameIsRemovedNotFollowed() throws {
        let folder = Scratch.folder("spool")
        let victim = Scratch.folder("victim").appendingPathComponent("precious")
        try "do not overwrite".write(to: victim, atomically: false, encoding: .utf8)
        let temp = folder.appendingPathComponent(".7.eml.tmp")
        try FileManager.default.createSymbolicLink(atPath: temp.path, withDestinationPath: victim.path)

        #expect(FileEmailTransport(folder: folder.path).send(message(), outboxID: 7) == .delivered(providerID: "7.eml"))

        #expect(try String(contentsOf: victim, encoding: .utf8) == "do not overwrite")
        let written = folder.appendingPathComponent("7.eml")
        #expect(try String(contentsOf: written, encoding: .utf8).contains("Subject: Rappel"))
        let attributes = try FileManager.default.attributesOfItem(atPath: written.path)
        #expect(attributes[.type] as? FileAttributeType == .typeRegular)
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o777 } == 0o600)
        #expect(!FileManager.default.fileExists(atPath: temp.path))
    }

    @Test func aLeftoverTempFileIsReplacedAndARetryOverwrites() throws {
        let folder = Scratch.folder("spool")
        try "half a file".write(to: folder.appendingPathComponent(".8.json.tmp"), atomically: false, encoding: .utf8)
        let sms = FileSMSTransport(folder: folder.path, from: "Relance")
        let text = SMSText.fit(rendered: "Bonjour", maxSegments: 1)
        #expect(sms.send(text, to: "+33612345678", outboxID: 8) == .delivered(providerID: "8.json"))
        #expect(sms.send(text, to: "+33612345678", outboxID: 8) == .delivered(providerID: "8.json"))
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(names == ["8.json"])
        #expect(try String(contentsOf: folder.appendingPathComponent("8.json"), encoding: .utf8).contains("Bonjour"))
    }
}
