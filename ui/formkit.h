/* formkit.h: what the libform forms share (ncurses form library).
 *
 * The inventory forms, the VM forms and the migration form each embed a
 * struct formkit and fill in their labels, kinds and callbacks; the kit
 * builds the libform fields and window, reads the text back, pages the
 * fields on a low screen, moves between fields checking the one left,
 * cycles and type-ahead selects choice fields, and paints the frame,
 * labels and message.  What a form asks, checks and saves stays in the
 * form.  It never runs an input loop: keys come from the form's modal. */
#ifndef VD_UI_FORMKIT_H
#define VD_UI_FORMKIT_H
#include <form.h>
#include "ui/ui.h"
#include "src/util/vec.h"

#define FORMKIT_MAX_FIELDS 23

/* A form's callbacks; owner is formkit.owner.  Only check is required:
 * the others matter to forms with choice fields. */
struct formkit_ops {
    /* Check field i alone: 0, or -1 with the sentence set as message. */
    int (*check)(struct ui *ui, void *owner, int i);
    /* Show every choice field's value in its libform field. */
    void (*show_all)(struct ui *ui, void *owner);
    /* Append the raw values choice field i offers (borrowed) to out. */
    void (*choices)(struct ui *ui, void *owner, int i, struct vec *out);
    /* What choice field i shows for the value v.  Owned. */
    char *(*display)(struct ui *ui, void *owner, int i, const char *v);
    /* Set choice field i to v and show it. */
    void (*choose)(struct ui *ui, void *owner, int i, const char *v);
};

struct formkit {
    const struct formkit_ops *ops;
    void *owner;
    int n;                                  /* fields */
    const char *labels[FORMKIT_MAX_FIELDS]; /* N_() */
    bool choice[FORMKIT_MAX_FIELDS];        /* libform only displays it */
    char **val;                             /* the form's values, by field */
    bool trim_leading;                      /* read "  2048" as "2048" */
    FIELD *fields[FORMKIT_MAX_FIELDS + 1];
    FORM *form;
    WINDOW *sub;
    int field_x, fields_y, sub_rows;
    int spacing, per_page, pages;
    int cur;                                /* current field */
    char ahead[64];                         /* typed on a choice field */
    char *msg;
    bool msg_error;
};

void formkit_set_msg(struct formkit *k, bool error, const char *msg);
/* Set the printf-style message as an error; returns -1 (a failed check). */
int formkit_fail(struct formkit *k, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int formkit_parse_num(const char *s, unsigned long long max,
                      unsigned long long *out);
void formkit_read(struct formkit *k);
void formkit_destroy(struct formkit *k);
void formkit_clear(struct formkit *k);
void formkit_unpost(struct formkit *k, struct modal *m);
int formkit_fields_rows(const struct formkit *k);
void formkit_build(struct ui *ui, struct formkit *k, struct modal *m, int w,
                   int h, int max_len);
void formkit_layout_paged(struct ui *ui, struct formkit *k, struct modal *m,
                          int top, int overhead, int max_len);
void formkit_paint_frame(struct formkit *k, WINDOW *w, const char *title);
bool formkit_paint_msg(struct formkit *k, WINDOW *w, int y, int rows);
void formkit_goto(struct formkit *k, int i);
int formkit_check_all(struct ui *ui, struct formkit *k);
bool formkit_nav_key(struct ui *ui, struct formkit *k, int key);
void formkit_choice_key(struct ui *ui, struct formkit *k, int i, int key);
int formkit_field_key(FORM *form, int key);

#endif
