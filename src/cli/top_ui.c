/* SPDX-License-Identifier: MIT */
/*
 * top_ui.c - the terminal view of `vfio-ap-sim top` (ncurses; docs/top.md,
 * "Keys").
 *
 * The screen is a window onto the canvas of top_render.c: every line but
 * the last shows canvas lines from `top` on; the grid's lines scroll
 * sideways past their fixed row labels; the last line describes the cell
 * under the cursor. The model is read again every interval (and on `r`);
 * the previous model marks what changed. All state is in struct ui,
 * passed to every function. endwin() restores the terminal on every way
 * out, so nothing is left on it.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/top.h"

struct ui {
	const char *root;
	int interval_ms;
	struct top_model *m, *prev;
	struct top_canvas cv;
	struct top_view v;
	int top, left; /* first canvas line shown; sideways scroll of the grid cells */
	bool help, colour;
	char err[8400]; /* the last refresh's error, shown in the status line */
};

static const char *const help_text[] = {
	"vfio-ap-sim top - keys",
	"",
	"  q            quit",
	"  arrows hjkl  move the cursor over the grid",
	"  PgUp PgDn    scroll a page; Home: back to the top",
	"  Tab n / p    select the next / previous mdev: its cells stand out",
	"  1-9          select mdev 1-9;  0 or Esc: no selection",
	"  r            read the tree again now",
	"  ?            this help (any key closes it)",
	"",
	"Bold and underlined: changed since the last refresh.",
	"The last line describes the cell under the cursor.",
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads the tree again; the old model becomes the one changes are shown against. */
static void reload(struct ui *u)
{
	struct top_model *n = calloc(1, sizeof(*n));

	if (!n) {
		snprintf(u->err, sizeof(u->err), "out of memory");
		return;
	}
	snprintf(n->root, sizeof(n->root), "%s", u->root);
	if (top_model_read(n, u->err, sizeof(u->err))) {
		free(n);
		return;
	}
	u->err[0] = '\0';
	if (u->prev) {
		top_model_free(u->prev);
		free(u->prev);
	}
	u->prev = u->m;
	u->m = n;
	if (u->v.selected >= n->nr_mdevs)
		u->v.selected = -1;
}

static int attr_of(const struct ui *u, unsigned char st)
{
	int a = 0;

	if (u->colour && (st & TS_COLOUR))
		a |= COLOR_PAIR(st & TS_COLOUR);
	if (st & TS_BOLD)
		a |= A_BOLD;
	if (st & TS_CHANGED)
		a |= A_BOLD | A_UNDERLINE;
	if (st & TS_SELECTED)
		a |= A_REVERSE | A_BOLD;
	if (st & TS_DIM)
		a |= A_DIM;
	return a;
}

static void draw_cell(const struct ui *u, int y, int x, const struct top_cell *c, int extra)
{
	attrset(attr_of(u, c->st) | extra);
	mvaddch(y, x, (chtype)(unsigned char)c->ch);
}

/* Canvas line `ln` on screen row y; grid lines keep their labels and scroll sideways. */
static void draw_line(const struct ui *u, int y, int ln)
{
	const struct top_canvas *cv = &u->cv;
	const struct top_line *l = &cv->line[ln];
	bool grid = ln >= cv->grid_y && ln < cv->grid_end;
	int from = grid ? cv->grid_x + u->left : 0, x = 0;
	int cy = cv->grid_y + 1 + u->v.cur_r, cx = cv->grid_x + u->v.cur_c * cv->cell_w;

	for (int i = 0; grid && i < cv->grid_x && i < l->len && x < COLS; i++)
		draw_cell(u, y, x++, &l->c[i], 0);
	for (int i = from; i < l->len && x < COLS; i++) {
		bool at = u->v.cursor && ln == cy && i >= cx && i < cx + cv->cell_w;

		draw_cell(u, y, x++, &l->c[i], at ? A_REVERSE : 0);
	}
}

static void status_line(struct ui *u)
{
	static const char keys[] = " ? help  q quit";
	int k = (int)sizeof(keys) - 1, n = 0;
	char buf[1024] = "";

	if (u->v.selected >= 0)
		n = snprintf(buf, sizeof(buf), "[mdev %d] ", u->v.selected + 1);
	if (u->err[0])
		snprintf(buf + n, sizeof(buf) - n, "error: %.1000s", u->err);
	else if (u->cv.nr_rows && u->cv.nr_cols)
		top_describe(u->m, &u->cv, u->v.cur_r, u->v.cur_c, buf + n, sizeof(buf) - n);
	attrset(A_REVERSE);
	mvhline(LINES - 1, 0, ' ', COLS);
	mvaddnstr(LINES - 1, 0, buf, COLS > k ? COLS - k : COLS);
	if (COLS > k)
		mvaddstr(LINES - 1, COLS - k, keys);
	attrset(A_NORMAL);
}

static void draw_help(void)
{
	int n = sizeof(help_text) / sizeof(help_text[0]), w = 0;

	for (int i = 0; i < n; i++)
		if ((int)strlen(help_text[i]) > w)
			w = (int)strlen(help_text[i]);
	w += 4;
	for (int i = -1; i <= n; i++) {
		int y = (LINES - n) / 2 + i, x = (COLS - w) / 2;

		if (y < 0 || y >= LINES - 1)
			continue;
		attrset(A_REVERSE);
		mvhline(y, x < 0 ? 0 : x, ' ', w);
		if (i >= 0 && i < n)
			mvaddnstr(y, (x < 0 ? 0 : x) + 2, help_text[i], COLS - 2);
	}
	attrset(A_NORMAL);
}

/* Keeps the cursor cell on screen. */
static void follow(struct ui *u)
{
	const struct top_canvas *cv = &u->cv;
	int y = cv->grid_y + 1 + u->v.cur_r, w = COLS - cv->grid_x;
	int x = u->v.cur_c * cv->cell_w;

	if (y < u->top)
		u->top = y > cv->grid_y ? cv->grid_y : y;
	if (y >= u->top + LINES - 1)
		u->top = y - (LINES - 2);
	if (x < u->left)
		u->left = x;
	if (w > cv->cell_w && x + cv->cell_w > u->left + w)
		u->left = x + cv->cell_w - w;
	if (u->top < 0)
		u->top = 0;
}

static void draw(struct ui *u)
{
	top_canvas_free(&u->cv);
	top_render(&u->cv, u->m, u->prev, &u->v);
	if (u->v.cur_r >= u->cv.nr_rows)
		u->v.cur_r = u->cv.nr_rows ? u->cv.nr_rows - 1 : 0;
	if (u->v.cur_c >= u->cv.nr_cols)
		u->v.cur_c = u->cv.nr_cols ? u->cv.nr_cols - 1 : 0;
	u->v.cursor = u->cv.nr_rows && u->cv.nr_cols;
	erase();
	for (int y = 0; y < LINES - 1 && u->top + y < u->cv.nr; y++)
		draw_line(u, y, u->top + y);
	status_line(u);
	if (u->help)
		draw_help();
	refresh();
}

/* Handles one key; false when it is time to quit. */
static bool key(struct ui *u, int ch)
{
	int n = u->m->nr_mdevs;

	if (u->help) {
		u->help = false;
		return ch != 'q';
	}
	switch (ch) {
	case 'q':
	case 'Q':
		return false;
	case '?':
		u->help = true;
		break;
	case KEY_UP:
	case 'k':
		u->v.cur_r -= u->v.cur_r > 0;
		break;
	case KEY_DOWN:
	case 'j':
		u->v.cur_r += u->v.cur_r + 1 < u->cv.nr_rows;
		break;
	case KEY_LEFT:
	case 'h':
		u->v.cur_c -= u->v.cur_c > 0;
		break;
	case KEY_RIGHT:
	case 'l':
		u->v.cur_c += u->v.cur_c + 1 < u->cv.nr_cols;
		break;
	case KEY_NPAGE:
		u->top += LINES - 2;
		if (u->top > u->cv.nr - 1)
			u->top = u->cv.nr - 1;
		return true;
	case KEY_PPAGE:
		u->top -= LINES - 2;
		if (u->top < 0)
			u->top = 0;
		return true;
	case KEY_HOME:
		u->top = u->left = u->v.cur_r = u->v.cur_c = 0;
		return true;
	case '\t':
	case 'n':
		u->v.selected = n ? (u->v.selected + 2) % (n + 1) - 1 : -1;
		break;
	case KEY_BTAB:
	case 'p':
		u->v.selected = n ? (u->v.selected + n + 1) % (n + 1) - 1 : -1;
		break;
	case '0':
	case 27:
		u->v.selected = -1;
		break;
	case 'r':
		reload(u);
		break;
	default:
		if (ch >= '1' && ch <= '9' && ch - '1' < n)
			u->v.selected = ch - '1';
		return true;
	}
	follow(u);
	return true;
}

static void colours(struct ui *u)
{
	static const short palette[TOP_COLOURS] = { COLOR_GREEN,  COLOR_CYAN, COLOR_MAGENTA,
						    COLOR_YELLOW, COLOR_BLUE, COLOR_RED };

	u->colour = has_colors();
	if (!u->colour)
		return;
	start_color();
	use_default_colors();
	for (int i = 0; i < TOP_COLOURS; i++)
		init_pair((short)(i + 1), palette[i], -1);
}

static void ui_free(struct ui *u)
{
	top_canvas_free(&u->cv);
	for (int i = 0; i < 2; i++) {
		struct top_model *m = i ? u->prev : u->m;

		if (m) {
			top_model_free(m);
			free(m);
		}
	}
}

int top_ui_run(const char *root, double interval)
{
	struct ui u = { .root = root, .interval_ms = (int)(interval * 1000), .v.selected = -1 };
	long long next;
	SCREEN *scr;
	int ch;

	reload(&u);
	if (!u.m) {
		fprintf(stderr, VAS_PROG " top: %s\n", u.err);
		return 2;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, VAS_PROG " top: not a terminal; use --once\n");
		ui_free(&u);
		return 1;
	}
	scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		fprintf(stderr, VAS_PROG " top: cannot use the terminal (TERM=%s); try --once\n",
			getenv("TERM") ? getenv("TERM") : "");
		ui_free(&u);
		return 1;
	}
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	colours(&u);
	next = now_ms() + u.interval_ms;
	for (;;) {
		long long left = next - now_ms();

		draw(&u);
		timeout(left > 0 ? (int)left : 0);
		ch = getch();
		if (ch == ERR) {
			if (now_ms() >= next) {
				reload(&u);
				next = now_ms() + u.interval_ms;
			}
			continue;
		}
		if (ch != KEY_RESIZE && !key(&u, ch))
			break;
	}
	endwin();
	delscreen(scr);
	ui_free(&u);
	return 0;
}
