/* Time helpers: a monotonic clock for deadlines and pacing, sleeping, and
 * wall-clock timestamps for audit lines and the ledger. */
#ifndef PROVHOST_CLOCK_H
#define PROVHOST_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Milliseconds on CLOCK_MONOTONIC (the clock provhost_call.deadline_ms uses).
 */
int64_t clock_mono_ms(void);

/* Microseconds on CLOCK_MONOTONIC. */
int64_t clock_mono_us(void);

/* Sleeps ms milliseconds (restarting on EINTR); ms <= 0 returns at once. */
void clock_sleep_ms(int64_t ms);

/* Seconds since the epoch (wall clock). For tests: $PROVHOST_TEST_NOW
 * (epoch seconds, "YYYY-MM-DD" = 00:00 UTC, or "YYYY-MM-DDThh:mm:ssZ";
 * read once per process) replaces it when set — what is due, what is not
 * yet effective, a snapshot's default as-of date and the ledger's
 * timestamps follow it, so a test can play day 1, day 2, day 3 of HR data;
 * deadlines and pacing (the monotonic clock) do not. */
int64_t clock_wall_s(void);

/* Writes the current UTC time as "2026-11-28T10:14:04.123Z" into buf. */
void clock_iso_now(char *buf, size_t len);

#endif
