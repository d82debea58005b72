/*
 * calendar.h - the reference's own calendar (ref_calendar.c), also used by
 * the generator: day numbers count days since 1970-01-01.
 */
#ifndef REF_CALENDAR_H
#define REF_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int64_t ref_days(int y, int m, int d);
void ref_ymd(int64_t days, int *y, int *m, int *d);
bool ref_date_parse(const char *s, size_t n, int64_t *days); /* strict YYYY-MM-DD, 0001-9999 */
void ref_date_text(int64_t days, char out[11]);
int64_t ref_add_months(int64_t days, int64_t months); /* day clamped to the month's end */
int64_t ref_add_days(int64_t days, int64_t n);
int64_t ref_today(void); /* UTC */

#endif
