/* Preloaded before libfaketime (0.9.10) when the clock is faked with FAKETIME_DONT_FAKE_MONOTONIC=1.
 *
 * Why: that libfaketime still shifts deadlines on the monotonic clock by the fake offset although the
 * monotonic clock is left real, so
 * - clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME) gets a negative time and Python >= 3.11's time.sleep()
 *   fails with EINVAL (libfaketime issue #426);
 * - pthread_cond_timedwait on a condition variable bound to CLOCK_MONOTONIC (Qt's QWaitCondition, behind
 *   QThread::wait) times out at once.
 * Waits on the monotonic clock need no faking: hand them straight to the kernel or glibc; every other clock
 * goes on to libfaketime. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

typedef int (*clock_nanosleep_fn)(clockid_t, int, const struct timespec *, struct timespec *);
typedef int (*cond_timedwait_fn)(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);

int clock_nanosleep(clockid_t clock_id, int flags, const struct timespec *request, struct timespec *remain) {
    if (clock_id == CLOCK_MONOTONIC || clock_id == CLOCK_MONOTONIC_RAW || clock_id == CLOCK_BOOTTIME) {
        /* clock_nanosleep returns the error number itself, unlike the raw syscall wrapper. */
        return syscall(SYS_clock_nanosleep, clock_id, flags, request, remain) == 0 ? 0 : errno;
    }
    static clock_nanosleep_fn next;
    if (!next) next = (clock_nanosleep_fn)dlsym(RTLD_NEXT, "clock_nanosleep");
    return next ? next(clock_id, flags, request, remain) : ENOSYS;
}

/* glibc (>= 2.25) keeps a condition variable's clock in bit 1 of __wrefs (pthread_condattr_setclock). */
#define COND_CLOCK_MONOTONIC_MASK 2u

int pthread_cond_timedwait(pthread_cond_t *cond, pthread_mutex_t *mutex, const struct timespec *abstime) {
    if (__atomic_load_n(&cond->__data.__wrefs, __ATOMIC_RELAXED) & COND_CLOCK_MONOTONIC_MASK) {
        return pthread_cond_clockwait(cond, mutex, CLOCK_MONOTONIC, abstime);  /* glibc's own, not faked */
    }
    static cond_timedwait_fn next;
    if (!next) next = (cond_timedwait_fn)dlsym(RTLD_NEXT, "pthread_cond_timedwait");
    return next ? next(cond, mutex, abstime) : ENOSYS;
}
