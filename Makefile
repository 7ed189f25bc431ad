# provhost — the one build entry point. See README.md.
#
#   make                 build build/provhost, build/plugins/*.so, build/promapp-sim
#   make check           build and run every test (tests/run prints the summary)
#   make check SANITIZE=1  the same suite under ASan+UBSan (build in build/asan)
#   make demo            the main job end to end on the built-in simulator
#   make bench           benchmarks (not part of check)
#   make install PREFIX=/usr/local DESTDIR=   (also bindir= libdir= includedir=
#                        mandir= systemdunitdir= datadir=)
#   make uninstall       removes what install put there (same variables)
#   make man             the man pages (doc/man/*.scd, scdoc) into build/man/
#   make deb             build/provhost_VERSION_ARCH.deb (+ provhost-dev); see debian/
#   make check-deb       unpack the .deb into a temporary root and run its provhost
#   make fuzz FUZZ_SECONDS=60  build the libFuzzer targets (tests/fuzz/, clang,
#                        in build/fuzz) and run each for FUZZ_SECONDS on a copy
#                        of its seed corpus (FUZZ_TARGETS=fuzz_events ... for some)
#   make format / make format-check
#
# The build prints one short line per step ("  CC      build/obj/host/foo.o");
# V=1 shows the full command lines. CPPFLAGS, CFLAGS, LDFLAGS and LDLIBS are
# honoured as usual.

VERSION     := 0.1.0
PREFIX      ?= /usr/local
DESTDIR     ?=
bindir      ?= $(PREFIX)/bin
libdir      ?= $(PREFIX)/lib
includedir  ?= $(PREFIX)/include
mandir      ?= $(PREFIX)/share/man
# architecture-independent data: the JSON Schema of `provhost state`
# (doc/schema/) in $(datadir)/provhost/schema
datadir     ?= $(PREFIX)/share
schemadir   ?= $(datadir)/provhost/schema
# systemd units: /lib/systemd/system for PREFIX=/usr (Debian 12's
# systemdsystemunitdir), else $(libdir)/systemd/system (systemd also reads
# /usr/local/lib/systemd/system; other prefixes need a link or a copy)
systemdunitdir ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(libdir)/systemd/system)
plugindir   ?= $(libdir)/provhost/plugins
pkgconfigdir?= $(libdir)/pkgconfig
CC          ?= cc
SANITIZE    ?=
V           ?=

# quiet build: $(call msg,TAG,WHAT) prints "  TAG     WHAT" and hides the
# command that follows it on the same recipe line; V=1 (or make -s) shows
# the commands as make normally does (or nothing).
ifeq ($(V),1)
Q           :=
msg          =
else ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
Q           := @
msg          = @
else
Q           := @
msg          = @printf '  %-7s %s\n' '$(1)' '$(2)';
endif

ifeq ($(SANITIZE),1)
BUILD       ?= build/asan
SAN_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
BUILD       ?= build
SAN_FLAGS   :=
endif
# One spelling per build directory: tests call make with an absolute BUILD,
# and an object named two ways would lose its header dependencies (.d files
# name the target as it was spelled when they were written).
override BUILD := $(patsubst $(CURDIR)/%,%,$(abspath $(BUILD)))

PKGS        := libcurl jansson sqlite3 libcrypto icu-uc icu-i18n
DEB_PKGS    := build-essential pkg-config libcurl4-openssl-dev libjansson-dev libcmocka-dev \
               libsqlite3-dev libmicrohttpd-dev libssl-dev curl jq abigail-tools binutils \
               time python3 sqlite3 g++ scdoc systemd libicu-dev libcsv-dev \
               python3-jsonschema
# only for make deb / check-deb (deps-deb), not for make check
DEB_BUILD_PKGS := debhelper dpkg-dev lintian fakeroot
# only for the fuzz targets (deps-fuzz): clang and its libFuzzer runtime;
# make check skips the fuzzing (not the corpus replay) when they are missing
DEB_FUZZ_PKGS := clang libclang-rt-14-dev
PKG_CFLAGS   = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS     = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# libcsv (CSV input, host/intake/) ships no .pc file: /usr/include/csv.h
CSV_LIBS    := -lcsv
CMOCKA_LIBS  = $(shell pkg-config --libs cmocka 2>/dev/null)
MHD_CFLAGS   = $(shell pkg-config --cflags libmicrohttpd 2>/dev/null)
MHD_LIBS     = $(shell pkg-config --libs libmicrohttpd 2>/dev/null)

WARN        := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
               -Wformat=2 -Wpointer-arith -Wundef -Wvla -Wwrite-strings \
               -Wno-unused-parameter
CFLAGS      ?= -O2 -g
ALL_CFLAGS   = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SAN_FLAGS) -Iplugin-api \
               -DPROVHOST_VERSION='"$(VERSION)"' $(PKG_CFLAGS) $(CPPFLAGS)
LDFLAGS_ALL  = $(SAN_FLAGS) $(LDFLAGS)
PIC_CFLAGS   = -fPIC -fvisibility=hidden

# --- sources -------------------------------------------------------------
HOST_SRC    := $(filter-out host/cli/main.c,$(wildcard host/*/*.c))
HOST_OBJ    := $(HOST_SRC:%.c=$(BUILD)/obj/%.o)
SCIM_SRC    := $(wildcard plugins/scimclient/*.c)
SCIM_OBJ    := $(SCIM_SRC:%.c=$(BUILD)/obj/%.o)
PLUGIN_DIRS := $(filter-out plugins/scimclient,$(patsubst %/,%,$(dir $(wildcard plugins/*/*.c))))
PLUGIN_NAMES:= $(sort $(notdir $(PLUGIN_DIRS)))
PLUGINS     := $(PLUGIN_NAMES:%=$(BUILD)/plugins/%.so)
# doc/man/NAME.S.scd -> $(BUILD)/man/manS/NAME.S; conf/systemd units
MAN_SRC     := $(wildcard doc/man/*.scd)
MAN_PAGES   := $(foreach m,$(MAN_SRC:doc/man/%.scd=%),$(BUILD)/man/man$(subst .,,$(suffix $(m)))/$(m))
UNITS       := $(BUILD)/systemd/provhost@.service $(BUILD)/systemd/provhost@.timer \
               $(BUILD)/systemd/provhost-reconcile@.service $(BUILD)/systemd/provhost-reconcile@.timer
SIM_SRC     := $(wildcard tests/promapp-sim/*.c)
SIM_OBJ     := $(SIM_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_SRC    := $(wildcard tests/unit/test_*.c)
UNIT_BIN    := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC    := $(wildcard tests/tools/*.c)
TOOL_BIN    := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tests/tools/%)
FIXTURE_SRC := $(wildcard tests/fixtures/*.c)
FIXTURES    := $(FIXTURE_SRC:tests/fixtures/%.c=$(BUILD)/fixtures/%.so)
SHIM_SRC    := $(wildcard tests/shims/*.c)
SHIMS       := $(SHIM_SRC:tests/shims/%.c=$(BUILD)/shims/%.so)
FUZZ_SRC    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES  := $(FUZZ_SRC:tests/fuzz/%.c=%)
# the same targets linked with tests/fuzz/replay_main.c by $(CC): they run
# the seed corpus in every build (tests/integration/fuzz_smoke.sh)
FUZZ_REPLAY := $(FUZZ_NAMES:%=$(BUILD)/tests/fuzz/%-replay)

DEPS_STAMP  := build/.deps-ok
DEPS_DEB_STAMP := build/.deps-deb-ok
DEPS_FUZZ_STAMP := build/.deps-fuzz-ok

.PHONY: all check demo bench install uninstall clean format format-check deps unit-tests abi-baseline
.PHONY: installable man deb check-deb deps-deb fuzz fuzz-build fuzz-check-build deps-fuzz
# installable: what make install installs (no simulator, no tests)
INSTALL_FILES = $(BUILD)/provhost $(PLUGINS) $(BUILD)/provhost-connector.pc $(MAN_PAGES) $(UNITS)
all: $(INSTALL_FILES) $(BUILD)/promapp-sim
installable: $(INSTALL_FILES)
man: $(MAN_PAGES)

# --- dependencies: install when root, else print the exact command ---------
deps: $(DEPS_STAMP)
$(DEPS_STAMP):
	@missing=""; \
	for p in libcurl jansson sqlite3 libcrypto icu-uc icu-i18n cmocka libmicrohttpd; do \
	  pkg-config --exists $$p 2>/dev/null || missing="$$missing $$p"; done; \
	for c in pkg-config curl jq abidiff nm cc g++ python3 sqlite3 scdoc; do \
	  command -v $$c >/dev/null 2>&1 || missing="$$missing $$c"; done; \
	[ -f /usr/include/csv.h ] || missing="$$missing libcsv-dev"; \
	python3 -c 'import jsonschema' 2>/dev/null || missing="$$missing python3-jsonschema"; \
	if [ -n "$$missing" ]; then \
	  echo "provhost: missing build dependencies:$$missing"; \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "provhost: installing with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y -qq --no-install-recommends $(DEB_PKGS) >/dev/null || exit 1; \
	  else \
	    echo "provhost: run as root:  apt-get update && apt-get install -y $(DEB_PKGS)"; \
	    exit 1; \
	  fi; \
	fi
	@mkdir -p build && touch $@

# --- objects --------------------------------------------------------------
$(BUILD)/obj/host/%.o: host/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(call msg,CC,$@)$(CC) $(ALL_CFLAGS) -Ihost -MMD -MP -c $< -o $@

$(BUILD)/obj/plugins/%.o: plugins/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(call msg,CC,$@)$(CC) $(ALL_CFLAGS) $(PIC_CFLAGS) -Iplugins -MMD -MP -c $< -o $@

$(BUILD)/obj/tests/promapp-sim/%.o: tests/promapp-sim/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(call msg,CC,$@)$(CC) $(ALL_CFLAGS) $(MHD_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libprovhost.a: $(HOST_OBJ)
	@mkdir -p $(dir $@)
	$(call msg,AR,$@)rm -f $@ && ar rcs $@ $^

$(BUILD)/libscimclient.a: $(SCIM_OBJ)
	@mkdir -p $(dir $@)
	$(call msg,AR,$@)rm -f $@ && ar rcs $@ $^

# --- programs -------------------------------------------------------------
$(BUILD)/provhost: $(BUILD)/obj/host/cli/main.o $(BUILD)/libprovhost.a
	$(call msg,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS) $(CSV_LIBS) -ldl -lpthread -lm $(LDLIBS)

$(BUILD)/promapp-sim: $(SIM_OBJ)
	$(call msg,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(MHD_LIBS) $(PKG_LIBS) -lpthread -lm $(LDLIBS)

# Every plugins/<name>/ becomes build/plugins/<name>.so, exporting only the
# entry symbol (plugins/connector.map + -fvisibility=hidden).
.SECONDARY:
.SECONDEXPANSION:
$(BUILD)/plugins/%.so: $$(addsuffix .o,$$(basename $$(addprefix $(BUILD)/obj/,$$(wildcard plugins/$$*/*.c)))) $(BUILD)/libscimclient.a plugins/connector.map
	@mkdir -p $(dir $@)
	$(call msg,LD,$@)$(CC) $(LDFLAGS_ALL) -shared -Wl,--version-script=plugins/connector.map \
	  -Wl,--as-needed -Wl,-z,defs -o $@ $(filter %.o,$^) $(BUILD)/libscimclient.a $(PKG_LIBS) \
	  $(LDLIBS)

# pc_rel DIR: DIR as "${prefix}/..." when it lies under PREFIX.
pc_rel = $(patsubst $(PREFIX)/%,$${prefix}/%,$(1))
$(BUILD)/provhost-connector.pc: plugin-api/provhost-connector.pc.in Makefile $(BUILD)/prefix.stamp
	@mkdir -p $(dir $@)
	$(call msg,GEN,$@)sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' \
	  -e 's|@LIBDIR@|$(call pc_rel,$(libdir))|g' \
	  -e 's|@INCLUDEDIR@|$(call pc_rel,$(includedir))|g' \
	  -e 's|@PLUGINDIR@|$(call pc_rel,$(plugindir))|g' $< > $@

# --- man pages (scdoc) and systemd units -----------------------------------
$(BUILD)/man/%: doc/man/$$(notdir $$*).scd | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(call msg,SCDOC,$@)scdoc < $< > $@.tmp && mv $@.tmp $@

$(BUILD)/systemd/%: conf/systemd/%.in Makefile $(BUILD)/prefix.stamp
	@mkdir -p $(dir $@)
	$(call msg,GEN,$@)sed -e 's|@BINDIR@|$(bindir)|g' $< > $@
$(BUILD)/systemd/%: conf/systemd/%
	@mkdir -p $(dir $@)
	$(call msg,GEN,$@)cp $< $@

# --- unit tests: each tests/unit/test_X.c is one cmocka binary --------------
$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libprovhost.a $(BUILD)/libscimclient.a
	@mkdir -p $(dir $@)
	$(call msg,CCLD,$@)$(CC) $(ALL_CFLAGS) -Ihost -Iplugins -MMD -MP -o $@ $< $(BUILD)/libprovhost.a \
	  $(BUILD)/libscimclient.a $(LDFLAGS_ALL) $(CMOCKA_LIBS) $(PKG_LIBS) $(CSV_LIBS) -ldl -lpthread -lm $(LDLIBS)

# test_alloc_fail makes the Nth allocation fail: host code's allocation
# calls (and json_loadb, see the test) go to its wrappers.
ALLOC_WRAPS := malloc calloc realloc strdup strndup asprintf vasprintf json_loadb
$(BUILD)/tests/test_alloc_fail: LDFLAGS_ALL += $(ALLOC_WRAPS:%=-Wl,--wrap=%)

# --- test tools: each tests/tools/X.c is one helper program for the tests ----
$(BUILD)/tests/tools/%: tests/tools/%.c $(BUILD)/libprovhost.a $(BUILD)/libscimclient.a
	@mkdir -p $(dir $@)
	$(call msg,CCLD,$@)$(CC) $(ALL_CFLAGS) -Ihost -Iplugins -MMD -MP -o $@ $< $(BUILD)/libprovhost.a \
	  $(BUILD)/libscimclient.a $(LDFLAGS_ALL) $(PKG_LIBS) $(CSV_LIBS) -ldl -lpthread -lm $(LDLIBS)

# --- test fixtures: each tests/fixtures/X.c is one connector .so for the
# loader tests (frozen_v1_N.c is built against the frozen v1.N header copy).
# chmod: the loader refuses group/world-writable files whatever the umask.
$(BUILD)/fixtures/%.so: tests/fixtures/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(call msg,CCLD,$@)$(CC) $(if $(filter frozen_v1_%,$*),-Itests/fixtures/abi-v$(subst _,.,$(subst frozen_v,,$*))) \
	  $(ALL_CFLAGS) $(PIC_CFLAGS) -shared -MMD -MP -o $@ $< $(LDFLAGS_ALL) $(LDLIBS)
	$(Q)chmod go-w $@

# --- test shims: each tests/shims/X.c is an LD_PRELOAD library for fault
# tests (e.g. enospc.so: a full disk). No sanitizer: it is preloaded into
# sanitized programs too (the tests set verify_asan_link_order=0).
$(BUILD)/shims/%.so: tests/shims/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(call msg,CCLD,$@)$(CC) -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(CPPFLAGS) -fPIC \
	  -shared -MMD -MP -o $@ $< $(LDFLAGS) -ldl $(LDLIBS)

# The installed plugin directory is compiled in (config/plugin_dir.c); the
# stamp changes only when an installation directory does, so a new PREFIX
# (or libdir, ...) rebuilds it and the .pc file.
INSTALL_DIRS = $(PREFIX) $(libdir) $(includedir) $(plugindir) $(bindir)
$(BUILD)/prefix.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(INSTALL_DIRS)' | cmp -s - $@ || echo '$(INSTALL_DIRS)' > $@
$(BUILD)/obj/host/config/plugin_dir.o: $(BUILD)/prefix.stamp
$(BUILD)/obj/host/config/plugin_dir.o: ALL_CFLAGS += -DPROVHOST_PLUGIN_DIR='"$(plugindir)"'
.PHONY: FORCE
FORCE:

# --- fuzz replay programs: tests/fuzz/X.c + replay_main.c, built by $(CC) ----
$(BUILD)/tests/fuzz/%-replay: tests/fuzz/%.c tests/fuzz/replay_main.c $(BUILD)/libprovhost.a \
  $(BUILD)/libscimclient.a
	@mkdir -p $(dir $@)
	$(call msg,CCLD,$@)$(CC) $(ALL_CFLAGS) -Ihost -Iplugins -MMD -MP -o $@ $< tests/fuzz/replay_main.c \
	  $(BUILD)/libprovhost.a $(BUILD)/libscimclient.a $(LDFLAGS_ALL) $(PKG_LIBS) $(CSV_LIBS) -ldl -lpthread -lm \
	  $(LDLIBS)

unit-tests: $(UNIT_BIN) $(TOOL_BIN) $(FIXTURES) $(SHIMS) $(FUZZ_REPLAY)

check: all unit-tests fuzz-check-build
	@BUILD=$(BUILD) SANITIZE=$(SANITIZE) CC="$(CC)" bash tests/run

# --- fuzz targets (libFuzzer, clang) -----------------------------------------
# Everything is compiled again by $(FUZZ_CC) with the fuzzer's coverage
# instrumentation and ASan+UBSan into $(FUZZ_BUILD) (a sub-make with
# BUILD=$(FUZZ_BUILD)), so it never mixes with the $(CC) objects; each
# tests/fuzz/X.c becomes $(FUZZ_BUILD)/fuzzers/X. make fuzz runs each target
# for FUZZ_SECONDS on $(FUZZ_BUILD)/corpus/X (seeded from tests/fuzz/corpus/X,
# which the fuzzer never writes); crash inputs go to $(FUZZ_BUILD)/artifacts/X/.
FUZZ_CC      ?= clang
FUZZ_BUILD   := build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= $(FUZZ_NAMES)
FUZZ_SAN     := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
                -fno-omit-frame-pointer
FUZZ_PROBE   = printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)\n{ return 0; }\n' | \
  $(FUZZ_CC) -x c -fsanitize=fuzzer,address,undefined -o $(FUZZ_BUILD)/probe - >/dev/null 2>&1

deps-fuzz: $(DEPS_FUZZ_STAMP)
$(DEPS_FUZZ_STAMP):
	@mkdir -p $(FUZZ_BUILD); \
	if ! $(FUZZ_PROBE); then \
	  echo "provhost: $(FUZZ_CC) cannot link libFuzzer programs (needs: $(DEB_FUZZ_PKGS))"; \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "provhost: installing with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y -qq --no-install-recommends $(DEB_FUZZ_PKGS) >/dev/null; \
	    $(FUZZ_PROBE) || exit 1; \
	  else \
	    echo "provhost: run as root:  apt-get update && apt-get install -y $(DEB_FUZZ_PKGS)"; \
	    exit 1; \
	  fi; \
	fi
	@rm -f $(FUZZ_BUILD)/probe; mkdir -p build && touch $@

fuzz-build: $(DEPS_FUZZ_STAMP) | $(DEPS_STAMP)
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) CFLAGS='-O1 -g' \
	  SAN_FLAGS='$(FUZZ_SAN)' fuzz-build-inner

# for make check: the fuzz targets when the runtime is there (or can be
# installed), else a message; fuzz_smoke.sh then only replays the corpus
fuzz-check-build: | $(DEPS_STAMP)
	@if $(MAKE) --no-print-directory -s deps-fuzz; then \
	  $(MAKE) --no-print-directory fuzz-build; \
	else echo "provhost: skipping the fuzz targets (no libFuzzer runtime; see above)"; fi

# only through fuzz-build (BUILD=$(FUZZ_BUILD), CC=$(FUZZ_CC))
.PHONY: fuzz-build-inner
fuzz-build-inner: $(FUZZ_NAMES:%=$(BUILD)/fuzzers/%)
$(BUILD)/fuzzers/%: tests/fuzz/%.c tests/fuzz/fuzz_common.h $(BUILD)/libprovhost.a $(BUILD)/libscimclient.a
	@mkdir -p $(dir $@)
	$(call msg,FUZZLD,$@)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -Ihost -Iplugins -o $@ $< \
	  $(BUILD)/libprovhost.a $(BUILD)/libscimclient.a -fsanitize=fuzzer $(LDFLAGS_ALL) \
	  $(PKG_LIBS) $(CSV_LIBS) -ldl -lpthread -lm $(LDLIBS)

fuzz: fuzz-build
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/fuzz/run $(FUZZ_TARGETS)

demo: all
	@BUILD=$(BUILD) bash conf/demo/run-demo

bench: all $(TOOL_BIN)
	@BUILD=$(BUILD) bash tests/bench/run
	@BUILD=$(BUILD) bash tests/bench/roster
	@BUILD=$(BUILD) bash tests/bench/reconcile

# --- install ----------------------------------------------------------------
# uninstall removes exactly these files, then the provhost/ directories
# install made if they are empty; it never removes bindir, libdir, ...
API_HEADERS := $(notdir $(wildcard plugin-api/provhost/*.h))
MAN_INSTALLED = $(MAN_PAGES:$(BUILD)/man/%=$(DESTDIR)$(mandir)/%)
SCHEMAS     := $(wildcard doc/schema/*.json)
install: $(INSTALL_FILES)
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(plugindir) \
	  $(DESTDIR)$(includedir)/provhost $(DESTDIR)$(pkgconfigdir) \
	  $(DESTDIR)$(systemdunitdir) $(sort $(dir $(MAN_INSTALLED))) \
	  $(DESTDIR)$(schemadir)
	install -m 755 $(BUILD)/provhost $(DESTDIR)$(bindir)/provhost
	$(if $(PLUGINS),install -m 755 $(PLUGINS) $(DESTDIR)$(plugindir)/)
	install -m 644 $(API_HEADERS:%=plugin-api/provhost/%) $(DESTDIR)$(includedir)/provhost/
	install -m 644 $(BUILD)/provhost-connector.pc $(DESTDIR)$(pkgconfigdir)/
	install -m 644 $(UNITS) $(DESTDIR)$(systemdunitdir)/
	$(foreach m,$(MAN_PAGES),install -m 644 $(m) $(m:$(BUILD)/man/%=$(DESTDIR)$(mandir)/%);)
	install -m 644 $(SCHEMAS) $(DESTDIR)$(schemadir)/

uninstall:
	rm -f $(DESTDIR)$(bindir)/provhost \
	  $(PLUGIN_NAMES:%=$(DESTDIR)$(plugindir)/%.so) \
	  $(API_HEADERS:%=$(DESTDIR)$(includedir)/provhost/%) \
	  $(DESTDIR)$(pkgconfigdir)/provhost-connector.pc \
	  $(UNITS:$(BUILD)/systemd/%=$(DESTDIR)$(systemdunitdir)/%) $(MAN_INSTALLED) \
	  $(SCHEMAS:doc/schema/%=$(DESTDIR)$(schemadir)/%)
	for d in $(DESTDIR)$(plugindir) $(DESTDIR)$(includedir)/provhost \
	  $(if $(filter %/provhost/plugins,$(plugindir)),$(DESTDIR)$(patsubst %/,%,$(dir $(plugindir)))) \
	  $(DESTDIR)$(schemadir) \
	  $(if $(filter %/provhost/schema,$(schemadir)),$(DESTDIR)$(patsubst %/,%,$(dir $(schemadir)))); do \
	  [ ! -d "$$d" ] || rmdir --ignore-fail-on-non-empty "$$d"; done

# --- Debian package -----------------------------------------------------------
# make deb copies the source tree (git's tracked and untracked, not ignored,
# files) to build/deb/provhost-VERSION, runs dpkg-buildpackage there (so
# debian/rules clean never touches this tree's build/), copies the .debs to
# build/ and runs lintian. make check-deb (not part of check) unpacks them
# into a temporary root and runs that root's provhost; nothing is installed.
DEB_ARCH    = $(shell dpkg --print-architecture 2>/dev/null)
DEB_SRC     := build/deb/provhost-$(VERSION)
deps-deb: $(DEPS_DEB_STAMP)
$(DEPS_DEB_STAMP):
	@missing=""; \
	for c in dpkg-buildpackage dh lintian fakeroot; do \
	  command -v $$c >/dev/null 2>&1 || missing="$$missing $$c"; done; \
	if [ -n "$$missing" ]; then \
	  echo "provhost: missing Debian packaging tools:$$missing"; \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "provhost: installing with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y -qq --no-install-recommends $(DEB_BUILD_PKGS) >/dev/null || exit 1; \
	  else \
	    echo "provhost: run as root:  apt-get update && apt-get install -y $(DEB_BUILD_PKGS)"; \
	    exit 1; \
	  fi; \
	fi
	@mkdir -p build && touch $@

deb: $(DEPS_STAMP) $(DEPS_DEB_STAMP)
	$(Q)rm -rf build/deb && mkdir -p $(DEB_SRC)
	$(call msg,STAGE,$(DEB_SRC))if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	  git ls-files -co --exclude-standard | while IFS= read -r f; do \
	    [ -e "$$f" ] && printf '%s\n' "$$f"; done | tar -cf - -T - | tar -xf - -C $(DEB_SRC); \
	else tar --exclude=./build -cf - . | tar -xf - -C $(DEB_SRC); fi
	$(call msg,DPKG,build/deb)cd $(DEB_SRC) && dpkg-buildpackage -b -us -uc \
	  > ../dpkg-buildpackage.log 2>&1 || { tail -40 ../dpkg-buildpackage.log; exit 1; }
	$(Q)cp build/deb/*.deb build/
	$(call msg,LINTIAN,build/deb/provhost_$(VERSION)_$(DEB_ARCH).changes)lintian \
	  build/deb/provhost_$(VERSION)_$(DEB_ARCH).changes
	@ls build/*.deb

check-deb: deb
	@bash tests/deb/check-deb build/provhost_$(VERSION)_$(DEB_ARCH).deb \
	  build/provhost-dev_$(VERSION)_all.deb

# Write the connector ABI baseline of a new minor (only once, after review;
# see plugin-api/README.md). tests/integration/abi_baseline.sh checks it.
# The baseline of the header's current minor; older baselines stay committed
# and the current header is checked against every one of them.
ABI_MINOR := $(shell sed -n 's/^\#define PROVHOST_CONNECTOR_ABI_MINOR //p' \
  plugin-api/provhost/connector.h)
ABI_BASELINE ?= plugin-api/abi/connector-v1.$(ABI_MINOR).abi
abi-baseline:
	@mkdir -p $(BUILD)/abi
	$(CC) -g -O0 -shared -fPIC -fvisibility=hidden -Iplugin-api \
	  -o $(BUILD)/abi/connector-abi.so plugin-api/abi/connector-abi.c
	abidw --no-corpus-path --no-comp-dir-path --short-locs \
	  --out-file $(ABI_BASELINE) $(BUILD)/abi/connector-abi.so

FORMAT_SRC = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
format:
	clang-format -i $(FORMAT_SRC)
format-check:
	clang-format --dry-run --Werror $(FORMAT_SRC)

clean:
	rm -rf build

-include $(wildcard $(BUILD)/obj/*/*.d $(BUILD)/obj/*/*/*.d $(BUILD)/obj/*/*/*/*.d $(BUILD)/tests/*.d $(BUILD)/tests/tools/*.d $(BUILD)/tests/fuzz/*.d $(BUILD)/fixtures/*.d $(BUILD)/shims/*.d)
