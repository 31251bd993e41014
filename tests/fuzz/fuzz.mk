# fuzz.mk: the libFuzzer targets, built with clang into $(O), apart from
# the gcc build.  `make fuzz` in the configured tree runs this with the
# library flags configure found; tests/fuzz/run.sh runs the targets.
#
#   S  the source tree      B  the configured build tree (config.h)
#   O  where objects and targets go
#   DEP_CFLAGS, DEP_LIBS, CURSES_CFLAGS, CURSES_LIBS  from configure
CC = clang
S ?= .
B ?= .
O ?= $(B)/tests/fuzz/build

SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
FUZZ_CFLAGS = -std=gnu11 -g -O1 $(SAN) -Wall -Wextra -Wno-unused-parameter \
	-I$(B) -I$(S) -I$(S)/src -DLOCALEDIR=\"/usr/share/locale\" \
	-DPKGDATADIR=\"$(S)/data\" -DSYSCONFDIR=\"/etc\" $(DEP_CFLAGS) -pthread

ENGINE_SRC = $(wildcard $(S)/src/*.c $(S)/src/util/*.c)
UI_SRC = $(filter-out $(S)/ui/main.c,$(wildcard $(S)/ui/*.c))
ENGINE_OBJ = $(patsubst $(S)/%.c,$(O)/obj/%.o,$(ENGINE_SRC))
UI_OBJ = $(patsubst $(S)/%.c,$(O)/obj/%.o,$(UI_SRC))

TARGETS = fuzz_conf fuzz_names fuzz_cli fuzz_forms fuzz_domxml_build \
	fuzz_domxml_parse fuzz_stats
# Targets that link the console's modules (and ncurses).
UI_TARGETS = fuzz_forms

all: $(addprefix $(O)/,$(TARGETS))

$(O)/obj/ui/%.o: $(S)/ui/%.c
	@mkdir -p $(@D)
	$(CC) $(FUZZ_CFLAGS) $(CURSES_CFLAGS) -fsanitize=fuzzer-no-link -MMD -c -o $@ $<

$(O)/obj/%.o: $(S)/%.c
	@mkdir -p $(@D)
	$(CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -c -o $@ $<

$(O)/libengine.a: $(ENGINE_OBJ)
	rm -f $@ && ar rcs $@ $^

$(O)/libui.a: $(UI_OBJ)
	rm -f $@ && ar rcs $@ $^

$(O)/harness/%.o: $(S)/tests/fuzz/%.c
	@mkdir -p $(@D)
	$(CC) $(FUZZ_CFLAGS) $(CURSES_CFLAGS) -fsanitize=fuzzer-no-link -MMD -c -o $@ $<

$(addprefix $(O)/,$(UI_TARGETS)): $(O)/%: $(O)/harness/%.o $(O)/libui.a $(O)/libengine.a
	$(CC) $(SAN) -fsanitize=fuzzer -o $@ $< $(O)/libui.a $(O)/libengine.a \
		$(DEP_LIBS) $(CURSES_LIBS) -pthread -lm

$(addprefix $(O)/,$(filter-out $(UI_TARGETS),$(TARGETS))): $(O)/%: $(O)/harness/%.o $(O)/libengine.a
	$(CC) $(SAN) -fsanitize=fuzzer -o $@ $< $(O)/libengine.a $(DEP_LIBS) \
		-pthread -lm

-include $(shell find $(O) -name '*.d' 2>/dev/null)

.PHONY: all
