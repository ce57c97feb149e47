#include <libpq-fe.h>

/* libpq prints server notices (e.g. "relation already exists, skipping") on stderr by default. */
static inline void relance_pq_silent_notices(void *arg, const char *message) { (void)arg; (void)message; }
static inline void relance_pq_silence(PGconn *conn) { PQsetNoticeProcessor(conn, relance_pq_silent_notices, 0); }
