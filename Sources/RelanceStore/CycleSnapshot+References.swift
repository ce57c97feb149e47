import RelanceCore

extension CycleSnapshot {
    /// The same for every engine once its rows are read: a request whose practitioner or patient
    /// cannot be read is skipped (and retried later if due), and so are its messages; each skipped
    /// row is listed once; rows skipped in an earlier cycle that read fine now are `recovered`.
    /// `messageIDs` and `assistantsRead` are the rows of those tables this snapshot read.
    public mutating func settleReferences(messageIDs: Set<Int64>, assistantsRead: Set<Int64>) {
        for r in requests.values {
            var problem: Problem?
            if practices[r.practitionerID] == nil {
                problem = Problem(column: "practitioner_id", what: "refers to practitioner \(r.practitionerID), missing or unreadable")
            } else if patients[r.patientID] == nil {
                problem = Problem(column: "patient_id", what: "refers to patient \(r.patientID), missing or unreadable")
            }
            guard let problem else { continue }
            skipped.append(SkippedRow(table: "requests", id: r.id, problem))
            requests[r.id] = nil
        }
        let readable = requests
        retryLater += dueRequests.filter { readable[$0.id] == nil }.map(\.id)
        dueRequests.removeAll { readable[$0.id] == nil }
        for m in messages where readable[m.requestID] == nil {
            skipped.append(SkippedRow(table: "messages", id: m.id, column: "request_id",
                                      reason: "request_id refers to request \(m.requestID), missing or unreadable"))
        }
        messages.removeAll { readable[$0.requestID] == nil }

        // One entry per row, whichever way it was reached.
        var reported = Set<String>()
        skipped = skipped.filter { reported.insert($0.key).inserted }

        // Rows skipped before that read fine now.
        let failing = Set(skipped.map(\.key))
        let practices = practices, patients = patients
        let readFine: [String: (Int64) -> Bool] = [
            "requests": { readable[$0] != nil }, "messages": { messageIDs.contains($0) },
            "practitioners": { practices[$0] != nil }, "patients": { patients[$0] != nil },
            "assistants": { assistantsRead.contains($0) }, "closures": { practices[$0] != nil },
        ]
        for key in knownSkipped.keys where !failing.contains(key) {
            let parts = key.split(separator: "#", maxSplits: 1)
            guard parts.count == 2, let id = Int64(parts[1]), let check = readFine[String(parts[0])], check(id) else { continue }
            recovered.append(key)
        }
    }
}
