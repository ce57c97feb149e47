# relance — two commands: `make demo` and `make test`.
SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:/opt/swift/bin:$(PATH)
BIN := .build/debug/relance

.PHONY: deps build demo test test-instants bench bench-smtp clean install

deps:
	@scripts/install-deps.sh

build: deps
	swift build --product relance

# Builds, creates a demo store in var/, runs one poll cycle on it with the
# file transports: emails land in var/spool/email/*.eml, SMS in var/spool/sms/*.json.
# The demo secret is published (git checks it out 0644): made private, as relance requires.
demo: build
	chmod 600 Config/demo-link-secret
	$(BIN) check-config Config/demo.toml > /dev/null
	rm -rf var/spool
	$(BIN) demo --store var/demo.sqlite --force
	$(BIN) tick --config Config/demo.toml
	@echo
	@echo "Emails: $$(ls var/spool/email | wc -l) files in var/spool/email/ (.eml), SMS: $$(ls var/spool/sms 2>/dev/null | wc -l) in var/spool/sms/"
	@echo "Try:  $(BIN) outbox --config Config/demo.toml | head"
	@echo "      $(BIN) stats --config Config/demo.toml | head"
	@echo "      $(BIN) explain --config Config/demo.toml 1"

test: deps
	chmod 600 Config/demo-link-secret
	swift build --build-tests
	swift test --skip-build
	@$(MAKE) --no-print-directory test-instants

# The suites whose daemon reads the clock, again with the daemon's clock set
# (RELANCE_TEST_NOW, for tests only) to instants where the calendar bites:
# a Sunday 07:10 UTC, both 2026 DST nights, Christmas Eve 23:30 Paris, a weekday 10:00 Paris.
TIME_SENSITIVE := JournaldTests|StatusTests|RunNotifyTests|DaemonClockTests
INSTANTS := 2026-11-29T07:10:00Z 2026-03-29T01:30:00Z 2026-10-25T01:30:00Z 2026-12-24T22:30:00Z 2026-12-02T09:00:00Z
test-instants:
	@for t in $(INSTANTS); do \
		echo "== time-sensitive suites as of RELANCE_TEST_NOW=$$t"; \
		RELANCE_TEST_NOW=$$t swift test --skip-build --filter '$(TIME_SENSITIVE)' || exit 1; \
	done

# One tick on stores of 100k and 1M requests next to raw sqlite3 (release build).
bench: deps
	swift run -c release relance-bench
	@scripts/install-deps.sh bench
	swift run -c release relance-pg-bench

# The release binary, unit, journal catalog and config where a Debian admin expects them
# (PREFIX=/usr/local by default; DESTDIR for staging). See scripts/install.sh.
install: deps
	swift build -c release --product relance
	BIN=.build/release/relance scripts/install.sh

# 10,000 queued emails drained to Postfix's smtp-sink on loopback with 1 and 4
# connections, next to Postfix's smtp-source to the same sink (release build).
bench-smtp:
	@scripts/install-deps.sh bench
	swift run -c release relance-smtp-bench

clean:
	rm -rf .build var
