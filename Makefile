# build-your-own-container: every target; `make help` lists them.

SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

IMPL ?= exercises
STEP ?=
SAN ?=
WERROR ?=

BUILD := build
ROOTFS := $(CURDIR)/$(BUILD)/rootfs
STEPS := $(sort $(notdir $(wildcard steps/[0-9][0-9]-*)))
OUT := $(BUILD)/$(IMPL)$(if $(SAN),-san)

ifneq ($(filter-out exercises solutions,$(IMPL)),)
$(error IMPL must be exercises or solutions, not '$(IMPL)')
endif

# STEP=01 (or 1, or 01-chroot) picks one step; empty means every step.
step_name = $(filter $(shell printf '%02d' $(firstword $(subst -, ,$(1))) 2>/dev/null)-%,$(STEPS))
ifneq ($(STEP),)
SELECTED := $(call step_name,$(STEP))
ifeq ($(SELECTED),)
$(error STEP=$(STEP) is not a step of this lab; the steps are: $(STEPS))
endif
else
SELECTED := $(STEPS)
endif
num = $(firstword $(subst -, ,$(1)))

CC ?= cc
CFLAGS := -std=gnu11 -Wall -Wextra -O2 -g $(if $(filter 1,$(WERROR)),-Werror)
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CPPFLAGS := -Ilib -Isteps -DBYOC_IMPL='"$(IMPL)"' -DBYOC_DEFAULT_ROOTFS='"$(ROOTFS)"'
# A skeleton has parameters and variables that its TODOs will use.
EXERCISE_CFLAGS := -Wno-unused-parameter -Wno-unused-variable -Wno-unused-but-set-variable \
	-Wno-unused-function
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)
# The runtimes bind every library symbol at start (-z now), before clone():
# the container's process then never resolves one lazily, each of which would
# be a copy-on-write fault of its own.
RUNTIME_LDFLAGS := -Wl,-z,now
CAP_LIBS = $(shell pkg-config --libs libcap 2>/dev/null || echo -lcap)
# libmnl: netlink messages for step 06 (lib/netlink.c).
MNL_LIBS = $(shell pkg-config --libs libmnl 2>/dev/null || echo -lmnl)
# libseccomp: step 09's filter; jansson: the Docker-format profiles that
# --security-opt seccomp=FILE loads (lib/seccomp_profile.c).
SECCOMP_LIBS = $(shell pkg-config --libs libseccomp jansson 2>/dev/null || echo -lseccomp -ljansson)

# make bench's yardstick: the same container as `byoc run`, one straight
# line of system calls (tools/bench/floor.c).
$(BUILD)/bench/floor: tools/bench/floor.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(RUNTIME_LDFLAGS) -o $@ $<

LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS = $(patsubst %.c,$(OUT)/%.o,$(LIB_SRCS))

# --init's PID 1 (steps/init.c): static, so that it runs in any rootfs, and
# carried inside the runtime as bytes that lib/init.c execs from a memfd.
INIT_BIN := $(BUILD)/init/byoc-init
$(INIT_BIN): steps/init.c lib/init.h lib/error.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Os -static -s -o $@ $<
$(OUT)/lib/init.o: $(INIT_BIN)
$(OUT)/lib/init.o: CPPFLAGS += -DBYOC_INIT_PATH='"$(abspath $(INIT_BIN))"'
$(OUT)/%.o: CFLAGS += $(if $(SAN),$(SANFLAGS))
$(OUT)/exercises/%.o: CFLAGS += $(EXERCISE_CFLAGS)

$(OUT)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

# Step NN links its own stage from $(IMPL) and the reference stages of the
# steps before it, so each step is graded on its own work.
steps_before = $(foreach s,$(STEPS),$(if $(shell [[ "$(s)" < "$(1)" ]] && echo y),$(s)))
stage_objs = $(patsubst %.c,$(OUT)/%.o,\
	$(foreach s,$(call steps_before,$(1)),$(wildcard solutions/$(s)/*.c)) \
	$(wildcard $(IMPL)/$(1)/*.c))

define step_rules
$(OUT)/step-$(call num,$(1)): $(OUT)/steps/$(1)/main.o $(OUT)/steps/driver.o $(call stage_objs,$(1)) $(LIB_OBJS)
	$$(CC) $$(CFLAGS) $(if $(SAN),$(SANFLAGS)) $$(RUNTIME_LDFLAGS) -o $$@ $$^ $$(CAP_LIBS) $$(MNL_LIBS) $$(SECCOMP_LIBS)
endef
$(foreach s,$(STEPS),$(eval $(call step_rules,$(s))))

STEP_BINS := $(foreach s,$(STEPS),$(OUT)/step-$(call num,$(s)))

# byoc, the full container: the stages of every step, all from $(IMPL)
# (IMPL=exercises: the student's own, the capstone), and its verbs (ps, exec,
# stop, gc: the clean-up that clean-host runs).
BYOC_VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
$(OUT)/steps/byoc/main.o: CPPFLAGS += -DBYOC_VERSION='"$(BYOC_VERSION)"'
$(OUT)/byoc: $(patsubst %.c,$(OUT)/%.o,$(wildcard steps/byoc/*.c)) $(OUT)/steps/driver.o \
		$(patsubst %.c,$(OUT)/%.o,$(wildcard $(IMPL)/[0-9][0-9]-*/*.c)) $(LIB_OBJS)
	$(CC) $(CFLAGS) $(if $(SAN),$(SANFLAGS)) $(RUNTIME_LDFLAGS) -o $@ $^ $(CAP_LIBS) $(MNL_LIBS) $(SECCOMP_LIBS)
SELECTED_BINS := $(foreach s,$(SELECTED),$(OUT)/step-$(call num,$(s)))

# The suites observe the runtime from outside; they are never sanitized.
TESTS_OUT := $(BUILD)/tests
HARNESS_SRCS := tests/harness.c tests/leaks.c tests/runner.c tests/slate.c tests/slate_rootfs.c
$(TESTS_OUT)/%.o: tests/%.c tests/harness.h tests/leaks.h tests/slate.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@
$(TESTS_OUT)/suite-%: $(TESTS_OUT)/step_%.o $(patsubst tests/%.c,$(TESTS_OUT)/%.o,$(HARNESS_SRCS))
	$(CC) $(CFLAGS) -o $@ $^ $(CHECK_LIBS) $(CAP_LIBS)
# The runtime's own suite (not a step's, not graded): it walks README.md's
# table of bad inputs.
$(TESTS_OUT)/suite-runtime: $(TESTS_OUT)/runtime.o $(patsubst tests/%.c,$(TESTS_OUT)/%.o,$(HARNESS_SRCS))
	$(CC) $(CFLAGS) -o $@ $^ $(CHECK_LIBS)
$(TESTS_OUT)/runtime.o: CPPFLAGS += -DBYOC_README='"$(CURDIR)/README.md"'
# The escape suite (not a step's, not graded): it walks README.md's table
# "Escapes tried" against byoc run's default container.
$(TESTS_OUT)/suite-escapes: $(TESTS_OUT)/escapes.o $(patsubst tests/%.c,$(TESTS_OUT)/%.o,$(HARNESS_SRCS))
	$(CC) $(CFLAGS) -o $@ $^ $(CHECK_LIBS)
$(TESTS_OUT)/escapes.o: CPPFLAGS += -DBYOC_README='"$(CURDIR)/README.md"'
# The full container's end-to-end suite (not a step's, not graded).
$(TESTS_OUT)/suite-byoc-run: $(TESTS_OUT)/byoc_run.o $(patsubst tests/%.c,$(TESTS_OUT)/%.o,$(HARNESS_SRCS))
	$(CC) $(CFLAGS) -o $@ $^ $(CHECK_LIBS)
# byoc's lifecycle beside run: run -d, ps, logs, exec, stop, kill, rm, -t.
$(TESTS_OUT)/suite-lifecycle: $(TESTS_OUT)/lifecycle.o $(patsubst tests/%.c,$(TESTS_OUT)/%.o,$(HARNESS_SRCS))
	$(CC) $(CFLAGS) -o $@ $^ $(CHECK_LIBS) -lutil
# byoc as an OCI runtime: bundles, and podman and containerd driving it.
$(TESTS_OUT)/suite-oci: $(TESTS_OUT)/oci.o $(patsubst tests/%.c,$(TESTS_OUT)/%.o,$(HARNESS_SRCS))
	$(CC) $(CFLAGS) -o $@ $^ $(CHECK_LIBS) -ljansson
$(TESTS_OUT)/suite-oci-clients: $(TESTS_OUT)/oci_clients.o $(patsubst tests/%.c,$(TESTS_OUT)/%.o,$(HARNESS_SRCS))
	$(CC) $(CFLAGS) -o $@ $^ $(CHECK_LIBS)
suite_bin = $(TESTS_OUT)/suite-$(subst -,_,$(1))
# Step 06's suite preloads a fault into the runtime (tests/netlink_fault.c).
$(TESTS_OUT)/netlink-fault.so: tests/netlink_fault.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -shared -fPIC -o $@ $< -ldl
$(call suite_bin,06-netns-veth): | $(TESTS_OUT)/netlink-fault.so
SUITE_BINS := $(foreach s,$(STEPS),$(call suite_bin,$(s)))

# The runner's clean slate, proven by tools/slate-proof.sh.
$(TESTS_OUT)/slate-proof: $(TESTS_OUT)/slate_proof.o $(patsubst tests/%.c,$(TESTS_OUT)/%.o,$(HARNESS_SRCS))
	$(CC) $(CFLAGS) -o $@ $^ $(CHECK_LIBS)

$(TESTS_OUT)/leak-snapshot: $(TESTS_OUT)/leak_snapshot.o $(TESTS_OUT)/leaks.o
	$(CC) $(CFLAGS) -o $@ $^

# The unit tests also drive the reference cgroup stage against a fake tree.
$(OUT)/unit-tests: $(OUT)/tests/unit.o $(OUT)/tests/unit_oci.o $(OUT)/solutions/04-cgroups/cgroups.o $(LIB_OBJS)
	$(CC) $(CFLAGS) $(if $(SAN),$(SANFLAGS)) -o $@ $^ $(CHECK_LIBS) $(CAP_LIBS) $(MNL_LIBS) $(SECCOMP_LIBS)

# Step 04's stage against a fake cgroup tree, so that its suite grades the v1
# and the v2 code on any machine; the suite finds it beside step-04.
CGROUP_FAKE_LINK = $(CC) $(CFLAGS) $(if $(SAN),$(SANFLAGS)) -Wl,--wrap=mkdir -o $@ $^ $(CAP_LIBS) $(MNL_LIBS) $(SECCOMP_LIBS)
$(OUT)/cgroup-fake: $(OUT)/tests/cgroup_fake.o $(patsubst %.c,$(OUT)/%.o,$(wildcard $(IMPL)/04-cgroups/*.c)) $(LIB_OBJS)
	$(CGROUP_FAKE_LINK)
$(OUT)/step-04: | $(OUT)/cgroup-fake

# Step 08's devices stage on any machine: its v1 writes, and its v2 program
# in a scratch cgroup; the suite finds it beside step-08.
DEVICES_PROBE_LINK = $(CC) $(CFLAGS) $(if $(SAN),$(SANFLAGS)) \
	-Wl,--wrap=byoc_cgroup_v1_make,--wrap=byoc_cgroup_write_path -o $@ $^ $(CAP_LIBS) $(MNL_LIBS) $(SECCOMP_LIBS)
$(OUT)/devices-probe: $(OUT)/tests/devices_probe.o \
		$(patsubst %.c,$(OUT)/%.o,$(wildcard $(IMPL)/08-devices-and-proc/*.c)) $(LIB_OBJS)
	$(DEVICES_PROBE_LINK)
$(OUT)/step-08: | $(OUT)/devices-probe

# A mutant (tools/mutants.sh): one step built from a patched copy of its
# solution in MUTANT_DIR/NN-name/, linked with the reference objects of all
# else (IMPL=solutions).
ifneq ($(MUTANT_DIR),)
MUTANT_STEP := $(notdir $(patsubst %/,%,$(dir $(firstword $(wildcard $(MUTANT_DIR)/*/*.c)))))
$(MUTANT_DIR)/%.o: $(MUTANT_DIR)/%.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@
$(MUTANT_DIR)/step-$(call num,$(MUTANT_STEP)): $(OUT)/steps/$(MUTANT_STEP)/main.o $(OUT)/steps/driver.o \
		$(patsubst %.c,$(OUT)/%.o,$(foreach s,$(call steps_before,$(MUTANT_STEP)),$(wildcard solutions/$(s)/*.c))) \
		$(patsubst %.c,%.o,$(wildcard $(MUTANT_DIR)/$(MUTANT_STEP)/*.c)) $(LIB_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(CAP_LIBS) $(MNL_LIBS) $(SECCOMP_LIBS)
$(MUTANT_DIR)/cgroup-fake: $(OUT)/tests/cgroup_fake.o $(patsubst %.c,%.o,$(wildcard $(MUTANT_DIR)/04-cgroups/*.c)) $(LIB_OBJS)
	$(CGROUP_FAKE_LINK)
$(MUTANT_DIR)/devices-probe: $(OUT)/tests/devices_probe.o \
		$(patsubst %.c,%.o,$(wildcard $(MUTANT_DIR)/08-devices-and-proc/*.c)) $(LIB_OBJS)
	$(DEVICES_PROBE_LINK)
endif

# make bench's OCI cycle: create, start, reap, delete, for any runtime.
$(BUILD)/bench/cycle: tools/bench/cycle.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $<

# make bench's timing driver (tools/bench/).
BENCH_SRCS := $(addprefix tools/bench/,bench.c concurrent.c leaks.c report.c) tests/leaks.c
$(BUILD)/bench/bench: $(BENCH_SRCS) tools/bench/bench.h lib/cleanup.h tests/leaks.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests $(CFLAGS) -o $@ $(BENCH_SRCS) -lm

# Programs of the lab's own, static, installed into the rootfs.
ROOTFS_PROGS := $(patsubst rootfs/tools/%.c,$(BUILD)/rootfs-progs/%,$(wildcard rootfs/tools/*.c))
$(BUILD)/rootfs-progs/%: rootfs/tools/%.c rootfs/tools/probe.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -static -o $@ $<
$(BUILD)/rootfs/.built: rootfs/build.sh $(ROOTFS_PROGS)
	rootfs/build.sh $(BUILD)/rootfs $(ROOTFS_PROGS)
	@touch $@

# Step 05's image layer, stacked above the rootfs with --layer.
$(BUILD)/layers-progs/hello: rootfs/app/hello.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -static -o $@ $<
$(BUILD)/layers/.app-built: rootfs/app-layer.sh $(BUILD)/layers-progs/hello
	@mkdir -p $(@D)
	rootfs/app-layer.sh $(BUILD)/layers/app $(BUILD)/layers-progs/hello
	@touch $@

# Step 09's real programs and real profile, for make check (and for a student
# who asks): a minimal Debian made with debootstrap, and Docker's own
# default.json from Debian's package of Docker's sources. Both need the
# network once; the suite says when it ran without them.
DEBIAN_ROOTFS := $(BUILD)/debian
$(BUILD)/debian.built: tools/debian-rootfs.sh
	tools/debian-rootfs.sh $(DEBIAN_ROOTFS)
	@touch $@
DOCKER_PROFILE := $(BUILD)/seccomp/docker-default.json
$(DOCKER_PROFILE): tools/docker-profile.sh
	tools/docker-profile.sh $@

$(BUILD)/caps: tools/caps.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(CAP_LIBS)

# For editors (clangd): every C file with the flags the rules above use.
EDITOR_SRCS = $(wildcard lib/*.c steps/*.c steps/*/*.c solutions/*/*.c exercises/*/*.c tests/*.c)
compile_commands.json: Makefile tools/compile-commands.sh $(EDITOR_SRCS)
	@tools/compile-commands.sh $(CC) $(CPPFLAGS) $(CFLAGS) -- $(EDITOR_SRCS) >$@

# ---------------------------------------------------------------------------
# What people run. Targets that need root say so at once; whatever they write
# under build/ is handed back to the user behind sudo.

ROOT_GOALS := step-% shell test grade check check-v2 rootfs clean-host soak run bench bench-deps oci-deps \
	debian-rootfs
ifneq ($(shell id -u),0)
ifneq ($(filter $(ROOT_GOALS),$(MAKECMDGOALS)),)
$(error make $(firstword $(filter $(ROOT_GOALS),$(MAKECMDGOALS))): needs root: run 'sudo make $(MAKECMDGOALS)$(if $(STEP), STEP=$(STEP))')
endif
endif
as_user = s=0; $(1) || s=$$?; tools/give-back.sh $(BUILD) compile_commands.json; exit $$s
# Student code runs in throwaway mount (private), UTS and IPC namespaces.
SANDBOX := tools/sandbox.sh

.PHONY: help deps oci-deps doctor rootfs debian-rootfs seccomp-profile _check-fixtures build exercises check-exercises test grade check shell run \
	format clean clean-host soak bench bench-deps check-v2 _check-v2 vm vm-deps _check-build _check-san-build $(addprefix step-,$(foreach s,$(STEPS),$(call num,$(s)))) _build _rootfs _tests _suites

help:
	@echo "build-your-own-container: a Linux container in C, one kernel feature at a time"
	@echo
	@echo "Start here"
	@echo "  sudo make run             the whole container (built from solutions/): a short"
	@echo "                            demonstration; IMPL=exercises builds it from your"
	@echo "                            stages; ARGS='--memory 64M -- /bin/sh' for a shell"
	@echo "Students"
	@echo "  sudo make doctor          check this machine: root, namespaces, cgroups, packages"
	@echo "  sudo make step-NN         build step NN from exercises/ and run its demonstration"
	@echo "  sudo make shell STEP=NN   an interactive /bin/sh inside step NN's container"
	@echo "                            (no STEP: the last step)"
	@echo "  sudo make test STEP=NN    grade step NN (no STEP: every step)"
	@echo "Instructors"
	@echo "  sudo make grade           grade every step; writes build/grade/report.json,"
	@echo "                            and Check's XML and TAP logs beside it"
	@echo "Maintainers"
	@echo "  sudo make check           the lab's self-test: unit tests, solutions pass,"
	@echo "                            skeletons fail, exercises match, mutants of the"
	@echo "                            solutions lose points, sanitizers, no leaks"
	@echo "  sudo make soak            1000 runs back to back and 50 at once, then a leak check"
	@echo "  sudo make bench           time byoc run beside the floor (the bare syscalls),"
	@echo "                            each step, crun, runc, bwrap, unshare; writes"
	@echo "                            $(BUILD)/bench/results.json and results.png"
	@echo "  sudo make bench-deps      install crun, runc, bubblewrap and gnuplot to compare"
	@echo "  sudo make clean-host      remove the cgroups, state and veth host ends that killed"
	@echo "                            runtimes left"
	@echo "  sudo make check-v2        the same proofs in a pure cgroup-v2 VM (QEMU, Debian's"
	@echo "                            kernel), from the root cgroup and from a busy one"
	@echo "  make exercises            regenerate exercises/ from solutions/ (FORCE=1 to"
	@echo "                            overwrite edited exercises)"
	@echo "  make format               clang-format every C file"
	@echo "Building blocks"
	@echo "  sudo make deps            install missing packages with apt-get"
	@echo "  make vm                   a root shell in a cgroup-v2 VM with the lab mounted, for"
	@echo "                            machines that are v1, lack a feature, or give no root"
	@echo "  sudo make oci-deps        install podman, containerd and catatonit (make check drives"
	@echo "                            byoc with them)"
	@echo "  sudo make vm-deps         install QEMU and unpack Debian's kernel into $(BUILD)/vm"
	@echo "  sudo make rootfs          build the busybox root file system in build/rootfs,"
	@echo "                            and step 05's image layer in build/layers/app"
	@echo "  sudo make debian-rootfs   a minimal Debian in $(BUILD)/debian (debootstrap), whose"
	@echo "                            programs step 09's suite runs under the filter"
	@echo "  make seccomp-profile      Docker's own default.json, from Debian's package, that"
	@echo "                            step 09's suite loads with --security-opt seccomp=FILE"
	@echo "  make build                build every step's binary into $(BUILD)/IMPL/"
	@echo "  make clean                remove build/"
	@echo
	@echo "Variables: STEP=NN, IMPL=exercises|solutions (default exercises), SAN=1 (sanitizers),"
	@echo "WERROR=1. Steps: $(STEPS)"

deps:
	@tools/deps.sh

# The OCI clients that drive byoc in make check (tests/oci_clients.c), and
# catatonit, from which podman builds a pod's pause image.
OCI_DEPS := podman=podman containerd=containerd ctr=containerd catatonit=catatonit
oci-deps:
	@tools/deps.sh $(OCI_DEPS)

doctor:
	@$(call as_user,{ if pkg-config --exists libcap 2>/dev/null; then $(MAKE) --no-print-directory -s $(BUILD)/caps; fi; tools/doctor.sh $(BUILD); })

rootfs:
	@$(call as_user,$(MAKE) --no-print-directory _rootfs)
debian-rootfs:
	@tools/deps.sh debootstrap=debootstrap
	@$(call as_user,$(MAKE) --no-print-directory $(BUILD)/debian.built)
seccomp-profile:
	@$(call as_user,$(MAKE) --no-print-directory $(DOCKER_PROFILE))
_rootfs: $(BUILD)/rootfs/.built $(BUILD)/layers/.app-built

build:
	@$(call as_user,$(MAKE) --no-print-directory _build)
_build: $(SELECTED_BINS) $(OUT)/byoc compile_commands.json

# Suites and rootfs only: tools/grade.sh builds each step's binary itself, so
# that a step that does not compile still gets graded (zero) with the others.
_suites: $(foreach s,$(SELECTED),$(call suite_bin,$(s))) $(BUILD)/rootfs/.built \
	$(BUILD)/layers/.app-built compile_commands.json
_tests: _suites $(SELECTED_BINS)

define step_target
step-$(call num,$(1)):
	@tools/deps.sh
	@$$(call as_user,$$(MAKE) --no-print-directory _rootfs compile_commands.json $(OUT)/step-$(call num,$(1)) && $(SANDBOX) steps/$(1)/demo.sh $(OUT)/step-$(call num,$(1)))
endef
$(foreach s,$(STEPS),$(eval $(call step_target,$(s))))

shell:
	@tools/deps.sh
	@$(call as_user,$(MAKE) --no-print-directory _rootfs compile_commands.json $(lastword $(SELECTED_BINS)) && $(SANDBOX) $(lastword $(SELECTED_BINS)))

# The full container. Unlike the steps, it is built from the reference stages
# unless IMPL is given. The sandbox's network namespace holds the host ends of
# its links.
RUN_IMPL := $(if $(filter file,$(origin IMPL)),solutions,$(IMPL))
RUN_BIN := $(BUILD)/$(RUN_IMPL)$(if $(SAN),-san)/byoc
run:
	@tools/deps.sh
	@$(call as_user,$(MAKE) --no-print-directory IMPL=$(RUN_IMPL) _rootfs compile_commands.json $(RUN_BIN))
	@$(SANDBOX) $(if $(ARGS),$(RUN_BIN) run $(ARGS),steps/run-demo.sh $(RUN_BIN))

test:
	@tools/deps.sh
	@$(call as_user,$(MAKE) --no-print-directory _suites && $(SANDBOX) tools/grade.sh $(OUT) $(ROOTFS) $(IMPL) "" $(SELECTED))

grade:
	@tools/deps.sh
	@rm -rf $(OUT) $(BUILD)/grade
	@$(call as_user,$(MAKE) --no-print-directory _suites && $(SANDBOX) tools/grade.sh $(OUT) $(ROOTFS) $(IMPL) $(BUILD)/grade $(SELECTED))

check:
	@tools/deps.sh debootstrap=debootstrap $(OCI_DEPS)
	@$(call as_user,tools/check.sh)

# Internal pieces of `make check`.
_check-build:
	@$(MAKE) --no-print-directory WERROR=1 IMPL=solutions _tests $(BUILD)/solutions/unit-tests \
		$(TESTS_OUT)/slate-proof $(TESTS_OUT)/suite-runtime $(TESTS_OUT)/suite-byoc-run \
		$(TESTS_OUT)/suite-lifecycle $(TESTS_OUT)/suite-oci $(TESTS_OUT)/suite-oci-clients \
		$(TESTS_OUT)/suite-escapes \
		$(BUILD)/solutions/byoc
	@$(MAKE) --no-print-directory WERROR=1 IMPL=exercises _tests $(BUILD)/exercises/byoc
_check-fixtures: $(BUILD)/debian.built $(DOCKER_PROFILE)
_check-san-build:
	@$(MAKE) --no-print-directory WERROR=1 IMPL=solutions SAN=1 _tests $(BUILD)/solutions-san/unit-tests

# The runtime's clean-up of dead containers, on demand: byoc gc.
clean-host:
	@$(call as_user,$(MAKE) --no-print-directory -s $(OUT)/byoc)
	@$(OUT)/byoc gc

soak:
	@tools/deps.sh
	@$(call as_user,$(MAKE) --no-print-directory IMPL=solutions _rootfs $(BUILD)/solutions/step-04 \
		$(BUILD)/tests/leak-snapshot && tools/soak.sh $(BUILD)/solutions/step-04 1000 50)

# Speed: byoc run beside the floor and the other runtimes (tools/bench/).
# The chart needs gnuplot, so bench installs it as bench-deps would.
BENCH_BINS := $(BUILD)/solutions/byoc $(foreach s,$(STEPS),$(BUILD)/solutions/step-$(call num,$(s))) \
	$(BUILD)/bench/floor $(BUILD)/bench/bench $(BUILD)/bench/cycle
bench:
	@tools/deps.sh gnuplot=gnuplot-nox
	@$(call as_user,$(MAKE) --no-print-directory IMPL=solutions _rootfs $(BENCH_BINS) \
		&& tools/bench/bench.sh $(ROOTFS))
bench-deps:
	@tools/deps.sh gnuplot=gnuplot-nox crun=crun runc=runc bwrap=bubblewrap

# The lab's VM (tools/vm/): Debian's kernel under QEMU, cgroup v2 alone.
VM := $(BUILD)/vm
$(VM)/initramfs.cpio.gz: tools/vm/init tools/vm/initramfs.sh $(VM)/kernel/vmlinuz
	@tools/vm/initramfs.sh $(VM)/kernel $@
vm-deps:
	@tools/vm/deps.sh $(BUILD)
# The host builds once; the guest runs tools/check.sh on that build.
check-v2:
	@tools/deps.sh debootstrap=debootstrap
	@tools/vm/deps.sh $(BUILD)
	@$(call as_user,$(MAKE) --no-print-directory _check-v2)
_check-v2:
	@$(MAKE) --no-print-directory -s _rootfs $(BUILD)/tests/leak-snapshot _check-build \
		_check-san-build _check-fixtures $(VM)/initramfs.cpio.gz
	@tools/vm/run.sh check $(BUILD)
vm:
	@tools/vm/deps.sh $(BUILD)
	@$(call as_user,$(MAKE) --no-print-directory -s $(VM)/initramfs.cpio.gz && tools/vm/run.sh shell $(BUILD))

exercises:
	@tools/mkexercises.sh exercises $(if $(FORCE),--force)

check-exercises:
	@tools/mkexercises.sh $(BUILD)/exercises-generated --force >/dev/null
	@if diff -ru exercises $(BUILD)/exercises-generated; then \
		echo "exercises/ matches what solutions/ generates"; \
	else \
		echo "exercises/ differs from what solutions/ generates: run 'make exercises FORCE=1' and commit" >&2; \
		exit 1; \
	fi

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -path $(BUILD)/debian -prune -o -name '*.d' -type f -print 2>/dev/null)
