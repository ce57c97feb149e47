extension Contract {
    /// Each platform table's columns, as `relance schema` creates them: what
    /// `check-config --connect` looks for in a database.
    public static let columns: [String: [String]] = [
        "practitioners": ["id", "display_name", "email", "phone", "profile", "specialty", "latitude", "longitude",
                          "timezone", "locale", "messaging_open", "notify_each_request", "sms_alerts", "forward_full_text"],
        "practitioner_procedures": ["practitioner_id", "procedure"],
        "assistants": ["id", "practitioner_id", "display_name", "email", "phone"],
        "closures": ["practitioner_id", "starts_on", "ends_on", "note"],
        "patients": ["id", "display_name", "email", "phone", "locale", "latitude", "longitude", "email_opt_in", "sms_opt_in"],
        "blocked_patients": ["practitioner_id", "patient_id"],
        "requests": ["id", "practitioner_id", "patient_id", "procedure", "status", "refusal_reason", "handled_outside",
                     "secondary", "redirected_from", "created_at", "first_read_at", "answered_at", "closed_at", "updated_at"],
        "messages": ["id", "request_id", "author", "author_id", "body", "created_at", "deliver_at", "read_at"],
    ]
}
