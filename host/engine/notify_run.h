/* The notifications of one `provhost run` (engine/notify.h): at most one
 * about the run itself — its event the first that applies of
 * credentials_rejected, run_stopped, events_failed, review_waiting (all
 * that apply are in "events") — and token_expiring once a day per due
 * secret. A dry run notifies nobody. */
#ifndef PROVHOST_NOTIFY_RUN_H
#define PROVHOST_NOTIFY_RUN_H

struct run;

/* Call after finish_run with the run's exit code, from the main thread.
 * Never changes the outcome. */
void notify_after_run(struct run *run, int code);

#endif
