# Sourced by .ci/run and tests/fuzz/run-fuzzers.sh, with $sanitizers set to this folder: what a
# sanitizer build runs with. allocator_may_return_null: a request too large for the machine
# fails as it does without ASan, for the code that turns that into an error (a plan's arena).
# tests/meson.build sets the same for `meson test` in a -Db_sanitize build. Any report stops
# the program with a failure; the suppression files say why each entry exists.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:print_summary=1:allocator_may_return_null=1:suppressions=$sanitizers/asan.supp"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$sanitizers/ubsan.supp"
export LSAN_OPTIONS="print_suppressions=0:suppressions=$sanitizers/lsan.supp"
# GLib hands memory back to malloc at once, so that ASan sees every use after free and LSan
# every leak, instead of slices and cached pages it can't tell from live ones.
export G_SLICE=always-malloc
export G_DEBUG=gc-friendly
