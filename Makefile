# relance — two commands: `make demo` and `make test`.
SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:/opt/swift/bin:$(PATH)
BIN := .build/debug/relance

.PHONY: deps build demo test test-instants test-package package-binary deb bench bench-smtp clean install soak

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
	@$(MAKE) --no-print-directory test-package

# The suites whose daemon reads the clock, again with the daemon's clock set
# (RELANCE_TEST_NOW, for tests only) to instants where the calendar bites:
# a Sunday 07:10 UTC, both 2026 DST nights, Christmas Eve 23:30 Paris, a weekday 10:00 Paris.
TIME_SENSITIVE := JournaldTests|StatusTests|RunNotifyTests|DaemonClockTests|MetricsTests|WakeOnCommitTests
INSTANTS := 2026-11-29T07:10:00Z 2026-03-29T01:30:00Z 2026-10-25T01:30:00Z 2026-12-24T22:30:00Z 2026-12-02T09:00:00Z
test-instants:
	@for t in $(INSTANTS); do \
		echo "== time-sensitive suites as of RELANCE_TEST_NOW=$$t"; \
		RELANCE_TEST_NOW=$$t swift test --skip-build --filter '$(TIME_SENSITIVE)' || exit 1; \
	done

# The issue-13 table in one run (release build): one tick on stores of 100k and
# 1M requests next to raw sqlite3, then `relance run`'s idle RSS and CPU, commit →
# accepted latency at an SMTP peer, and relance-smtp-bench next to smtp-source.
bench: deps
	@scripts/install-deps.sh bench
	swift build -c release
	.build/release/relance-bench
	.build/release/relance-pg-bench

# The release binary (Swift runtime linked in, so it needs only Debian's libraries),
# built apart from .build so `make bench` keeps its own release build.
PKG_BUILD := .build-package
PKG_BIN := $(PKG_BUILD)/release/relance
package-binary: deps
	swift build -c release --static-swift-stdlib -Xlinker -z -Xlinker now --scratch-path $(PKG_BUILD) --product relance

# The release binary, templates, unit, journal catalog and config where a Debian admin expects
# them (PREFIX=/usr/local by default; DESTDIR for staging). See scripts/install.sh.
install: package-binary
	BIN=$(PKG_BIN) scripts/install.sh

# relance_<version>_<arch>.deb in $(PKG_BUILD)/deb/, same layout with PREFIX=/usr. See scripts/deb.sh.
deb: package-binary
	@mkdir -p $(PKG_BUILD)/deb
	rm -f $(PKG_BUILD)/deb/relance_*.deb
	BIN=$(PKG_BIN) scripts/deb.sh $(PKG_BUILD)/deb

# The package on this machine (root): lintian, apt-get install, check-config, a tick from the
# installed files, the unit under a real systemd in namespaces, then apt-get purge.
test-package: deb
	Tests/Packaging/package-test.sh $(PKG_BUILD)/deb/relance_*.deb

# 10,000 queued emails drained to Postfix's smtp-sink on loopback with 1 and 4
# connections, next to Postfix's smtp-source to the same sink (release build).
bench-smtp:
	@scripts/install-deps.sh bench
	swift run -c release relance-smtp-bench

# 10 minutes of relance run against a store filled at 50 requests/s, delivering to the
# loopback SMTP and SMS peers: RSS at start and end, decisions, deliveries, p99
# decide-to-send, lost and duplicates (not a test; SOAK_SECONDS, SOAK_RATE to change).
soak: deps
	swift build -c release --product relance
	BIN=.build/release/relance scripts/soak.sh

clean:
	rm -rf .build $(PKG_BUILD) var
