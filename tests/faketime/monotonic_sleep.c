/* Preloaded before libfaketime (0.9.10) when the clock is faked with FAKETIME_DONT_FAKE_MONOTONIC=1.
 *
 * Why: that libfaketime still shifts the absolute deadline of clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)
 * by the fake offset although the monotonic clock is left real, so the kernel gets a negative time and
 * Python >= 3.11's time.sleep() fails with EINVAL (libfaketime issue #426). Monotonic sleeps need no faking:
 * pass them straight to the kernel; every other clock goes on to libfaketime. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

typedef int (*clock_nanosleep_fn)(clockid_t, int, const struct timespec *, struct timespec *);

int clock_nanosleep(clockid_t clock_id, int flags, const struct timespec *request, struct timespec *remain) {
    if (clock_id == CLOCK_MONOTONIC || clock_id == CLOCK_MONOTONIC_RAW || clock_id == CLOCK_BOOTTIME) {
        /* clock_nanosleep returns the error number itself, unlike the raw syscall wrapper. */
        return syscall(SYS_clock_nanosleep, clock_id, flags, request, remain) == 0 ? 0 : errno;
    }
    static clock_nanosleep_fn next;
    if (!next) next = (clock_nanosleep_fn)dlsym(RTLD_NEXT, "clock_nanosleep");
    return next ? next(clock_id, flags, request, remain) : ENOSYS;
}
