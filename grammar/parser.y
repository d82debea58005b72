/*
 * parser.y - tierc's grammar.  A pure parser with locations; actions only
 * build AST nodes (ast.c); names, types and code come in later passes.
 * All semantic values are arena nodes, so no %destructor is needed: the
 * arena frees them whatever path the parse takes.
 */
%code requires {
#include "ast.h"
#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif
#define YYLLOC_DEFAULT(Cur, Rhs, N)                               \
  do {                                                            \
    if (N) {                                                      \
      (Cur).file = YYRHSLOC(Rhs, 1).file;                         \
      (Cur).beg = YYRHSLOC(Rhs, 1).beg;                           \
      (Cur).end = YYRHSLOC(Rhs, N).end;                           \
    } else {                                                      \
      (Cur).file = YYRHSLOC(Rhs, 0).file;                         \
      (Cur).beg = (Cur).end = YYRHSLOC(Rhs, 0).end;               \
    }                                                             \
  } while (0)
}

%code {
#include <string.h>
int yylex(YYSTYPE *lval, YYLTYPE *lloc, yyscan_t scanner);
static void yyerror(YYLTYPE *l, yyscan_t sc, struct parser *ps, const char *msg);
static struct node *mk(struct parser *ps, int kind, const YYLTYPE *l) { return ast_new(ps, kind, l); }
static struct node *mkname(struct parser *ps, struct tokval t, const YYLTYPE *l) {
  struct node *n = ast_new(ps, N_NAME, l);
  if (n) n->name = t.s;
  return n;
}
static struct node *mkagg(struct parser *ps, int op, struct node *val, struct tokval list, const YYLTYPE *ll,
                          struct node *where, const YYLTYPE *l);
static struct node *agg_of_values(struct parser *ps, int op, const char *fn, struct node *args, struct tokval list,
                                  const YYLTYPE *ll, struct node *where, const YYLTYPE *l);
static struct node *mk_time(struct parser *ps, int kind, struct tokval n, const YYLTYPE *nl, const char *unit,
                            const YYLTYPE *ul, const YYLTYPE *l);
static bool at_any_ok(struct parser *ps, struct tokval word, const YYLTYPE *wl, const char *cal, const YYLTYPE *cl);
static void dropped_item(struct parser *ps, const YYLTYPE *l);
#define YYMAXDEPTH 4000
enum { P_MONTHS = 0xFF, P_FISCAL = 0x100, P_PREVIOUS = 0x200 }; /* a period's token value */
/* A stack deeper than YYINITDEPTH comes from the caller's allocator too
 * (parse_mem, lexer.l); running out of it is out of memory (the arena's
 * flag: TIER_ENOMEM), not nesting too deep. */
#define YYMALLOC(n) parse_mem(ps, NULL, (n))
#define YYFREE(p) parse_mem(ps, (p), 0)
}

%define api.pure full
%define api.prefix {tier_yy}
%define api.location.type {struct loc}
%define parse.error custom
%locations
%lex-param {yyscan_t scanner}
%parse-param {yyscan_t scanner} {struct parser *ps}
%expect 0

%union {
  struct node *node;
  struct tokval tok;
}

%token <tok> IDENT _("identifier") STRING _("string") INT _("integer") DECIMAL _("decimal number") DATE _("date")
%token <tok> UNIT _("time unit (days, months or years)")
%token TIER "tier" METRIC "metric" ENUM "enum" RECORD "record" LIST "list"
%token IMPORT "import" RULESET "ruleset" VERSION "version" REVIEW "review"
%token EFFECTIVE "effective" COUNT "count" DISTINCT "distinct" SUM "sum"
%token MIN "min" MAX "max" ANY "any" ALL "all" IN "in" WHERE "where"
%token AND "and" OR "or" NOT "not" IF "if" THEN "then" ELSE "else" IS "is"
%token NONE "none" TRUE "true" FALSE "false" ASOF "asof" WITHIN "within"
%token SUSTAINED "sustained" FOR "for"
%token EITHER "either"
%token <tok> BADGE "badge" REQUIREMENTS "requirements" AT "at" LEAST "least" OF "of"
%token <tok> CALENDAR "calendar" FISCAL "fiscal" MONTH "month" PREVIOUS "previous" QUARTER "quarter"
%token <tok> STARTS "starts" YEAR "year"
%token <tok> CONST "const" FORMULA "formula" TABLE "table"
%token ARROW "->"
%token <tok> HOLDS "holds" MEETS "meets" GRANT "grant" WHEN "when"
%token <tok> AVG "avg" MEDIAN "median"
%token EQ "==" NE "!=" LE "<=" GE ">="
%token BLOCK_OPEN _("'<' (start of the tier's block)") BLOCK_END _("'>' (end of the tier's block)")

%type <node> item field fields ftype names stmt body expr primary where opt_label
%type <node> params param args args2 branches branch inner_lists aggval entries entry
%type <tok> name callee period period_unit

%precedence WHERE ELSE
%left OR
%left AND
%precedence NOT
%nonassoc EQ NE '<' '>' LE GE IN IS WITHIN '='
%left '+' '-'
%left '*' '/'
%precedence UMINUS

%%

file:
    %empty
  | file item                   {
      if ($2) {
        $2->span = @2;
        if (ps->last_item) ps->last_item->next = $2; else ps->items = $2;
        ps->last_item = $2;
      }
    }
  ;

item:
    RULESET STRING VERSION STRING ';' {
      $$ = mk(ps, I_RULESET, &@$);
      if ($$) { $$->str = $2.s; $$->str_len = $2.n; $$->locf = @2; $$->name2 = $4.s; $$->loc2 = @4; }
    }
  | RULESET STRING ';'          { $$ = mk(ps, I_RULESET, &@$); if ($$) { $$->str = $2.s; $$->str_len = $2.n; $$->locf = @2; } }
  | IMPORT STRING ';'           { $$ = mk(ps, I_IMPORT, &@$); if ($$) { $$->str = $2.s; $$->str_len = $2.n; $$->loc2 = @2; } }
  | ENUM name '{' names opt_comma '}' opt_semi {
      $$ = mk(ps, I_ENUM, &@2); if ($$) { $$->name = $2.s; $$->list = $4; }
    }
  | RECORD '{' fields '}' opt_semi       { $$ = mk(ps, I_RECORD, &@1); if ($$) $$->list = $3; }
  | RECORD name '{' fields '}' opt_semi { $$ = mk(ps, I_RECORD, &@2); if ($$) { $$->name = $2.s; $$->list = $4; } }
  | METRIC name opt_label '=' expr ';' {
      $$ = mk(ps, I_METRIC, &@2); if ($$) { $$->name = $2.s; $$->a = $5; $$->b = $3; }
    }
  | METRIC name FOR name inner_lists opt_label '=' expr ';' {
      $$ = mk(ps, I_METRIC, &@2);
      if ($$) { $$->name = $2.s; $$->name2 = $4.s; $$->loc2 = @4; $$->list = $5; $$->a = $8; $$->b = $6; }
    }
  /* grant TIER [when COND]; (SPEC 3.5): sema checks what is granted */
  | GRANT name ';'              { $$ = mk(ps, I_GRANT, &@1); if ($$) $$->a = mkname(ps, $2, &@2); }
  | GRANT name WHEN expr ';'    { $$ = mk(ps, I_GRANT, &@1); if ($$) { $$->a = mkname(ps, $2, &@2); $$->b = $4; } }
  | REVIEW '=' expr ';'         { $$ = mk(ps, I_REVIEW, &@1); if ($$) $$->a = $3; }
  | FISCAL YEAR STARTS IN name ';' {
      $$ = mk(ps, I_FISCAL, &@$); if ($$) { $$->name = $5.s; $$->loc2 = @5; }
    }
  | EFFECTIVE '=' expr ';'      { $$ = mk(ps, I_EFFECTIVE, &@1); if ($$) $$->a = $3; }
  | TIER name opt_label name BLOCK_OPEN body BLOCK_END {
      $$ = mk(ps, I_TIER, &@2);
      if ($$) { $$->name = $2.s; $$->b = $3; $$->name2 = $4.s; $$->loc2 = @4; $$->list = $6; }
    }
  | TIER name opt_label BLOCK_OPEN body BLOCK_END {
      diag_add(ps->dg, TIER_ERROR, &@4,
               _("tier '%s' has no partner type: write `tier %s TYPE < ... >` with TYPE a value of the partner-type enum"),
               $2.s, $2.s);
      $$ = NULL;
      dropped(ps, DROP_BLOCK, &@$);
    }
  | BADGE name opt_label BLOCK_OPEN body BLOCK_END {
      $$ = mk(ps, I_BADGE, &@2); if ($$) { $$->name = $2.s; $$->b = $3; $$->list = $5; }
    }
  | REQUIREMENTS callee '(' params ')' BLOCK_OPEN body BLOCK_END {
      $$ = mk(ps, I_REQBLOCK, &@2); if ($$) { $$->name = $2.s; $$->a = $4; $$->list = $7; }
    }
  | CONST name '=' expr ';'    { $$ = mk(ps, I_CONST, &@2); if ($$) { $$->name = $2.s; $$->a = $4; } }
  | FORMULA callee '(' params ')' '=' expr ';' {
      $$ = mk(ps, I_FORMULA, &@2); if ($$) { $$->name = $2.s; $$->a = $4; $$->b = $7; }
    }
  | TABLE name ':' ftype ARROW ftype '{' entries opt_comma '}' opt_semi {
      $$ = mk(ps, I_TABLE, &@2); if ($$) { $$->name = $2.s; $$->a = $4; $$->b = $6; $$->list = $8; }
    }
  | error ';'                   { $$ = NULL; yyerrok; dropped_item(ps, &@$); }
  | error '}'                   { $$ = NULL; yyerrok; dropped_item(ps, &@$); }
  | error BLOCK_END             { $$ = NULL; yyerrok; dropped_item(ps, &@$); }
  ;

/* Words that are keywords only where the grammar needs them (design2.md,
 * "Keywords"): anywhere else they are ordinary names, so that a field may
 * still be called `badge` or `of`. */
name:
    callee
  /* `avg (EXPR) in LIST` is an aggregate: these two words name anything
   * (a metric, a field, a table) but a formula, so that `avg (` stays one thing */
  | AVG | MEDIAN
  ;
callee:
    IDENT
  | BADGE | REQUIREMENTS | AT | LEAST | OF
  | CALENDAR | FISCAL | MONTH | PREVIOUS | QUARTER | STARTS | YEAR
  | CONST | FORMULA | TABLE
  | HOLDS | MEETS | GRANT | WHEN
  ;

/* `.INNER` after a list's name: the path of an inner list (customers.months) */
inner_lists:
    %empty                      { $$ = NULL; }
  | inner_lists '.' name        { $$ = ast_append($1, mkname(ps, $3, &@3)); }
  ;

/* a table's entries: `ENUM_VALUE: value`, `"text": value`, `default: value` */
entries:
    entry                       { $$ = ast_append(NULL, $1); }
  | entries ',' entry           { $$ = ast_append($1, $3); }
  ;
entry:
    name ':' expr               {
      $$ = mk(ps, I_ENTRY, &@1);
      if ($$) { $$->b = $3; if (strcmp($1.s, "default") != 0) $$->a = mkname(ps, $1, &@1); }
    }
  | STRING ':' expr             {
      $$ = mk(ps, I_ENTRY, &@1);
      if ($$) { $$->b = $3; $$->a = mk(ps, N_STR, &@1); if ($$->a) { $$->a->str = $1.s; $$->a->str_len = $1.n; } }
    }
  ;

params:
    %empty                      { $$ = NULL; }
  | param                       { $$ = ast_append(NULL, $1); }
  | params ',' param            { $$ = ast_append($1, $3); }
  ;

param:
    name ':' ftype              { $$ = $3; if ($$) { $$->kind = I_PARAM; $$->name = $1.s; $$->loc = @1; } }
  ;

opt_comma: %empty | ',' ;
opt_semi: %empty | ';' ;
opt_label:
    %empty                      { $$ = NULL; }
  | STRING                      { $$ = mk(ps, N_STR, &@1); if ($$) { $$->str = $1.s; $$->str_len = $1.n; } }
  ;

names:
    name                       { $$ = mkname(ps, $1, &@1); }
  | names ',' name             { $$ = ast_append($1, mkname(ps, $3, &@3)); }
  | names name                 {
      diag_add(ps->dg, TIER_ERROR, &@2, _("missing ',' before '%s' (values are separated by commas)"), $2.s);
      $$ = ast_append($1, mkname(ps, $2, &@2));
    }
  ;

fields:
    %empty                      { $$ = NULL; }
  | fields field                { if ($2) $2->span = @2; $$ = ast_append($1, $2); }
  ;

/* NAME ["json key"]: TYPE;  MODIFIER NAME ["json key"]: TYPE;  NAME ["json key"]: list { ... } */
field:
    name opt_label ':' ftype ';' { $$ = $4; if ($$) { $$->name = $1.s; $$->loc = @1; $$->b = $2; } }
  | name name opt_label ':' ftype ';' {
      $$ = $5; if ($$) { $$->name = $2.s; $$->loc = @2; $$->b = $3; $$->str = $1.s; $$->loc2 = @1; }
    }
  | name opt_label ':' LIST '{' fields '}' opt_semi {
      $$ = mk(ps, I_FIELD, &@1); if ($$) { $$->name = $1.s; $$->b = $2; $$->op = 1; $$->list = $6; }
    }
  /* a field whose ';' is missing (the error said so): taken as it is, and
   * the next field read from the token that showed it, so that a list's
   * braces after it are not skipped (bison reports no other error until
   * three tokens more are read) */
  | name opt_label ':' ftype error { $$ = $4; if ($$) { $$->name = $1.s; $$->loc = @1; $$->b = $2; } }
  | name name opt_label ':' ftype error {
      $$ = $5; if ($$) { $$->name = $2.s; $$->loc = @2; $$->b = $3; $$->str = $1.s; $$->loc2 = @1; }
    }
  | error ';'                   { $$ = NULL; yyerrok; dropped(ps, DROP_FIELD, &@$); }
  ;

ftype:
    name                       { $$ = mk(ps, I_FIELD, &@1); if ($$) { $$->name2 = $1.s; $$->loc2 = @1; } }
  | name '?'                   { $$ = mk(ps, I_FIELD, &@1); if ($$) { $$->name2 = $1.s; $$->loc2 = @1; $$->neg = true; } }
  /* `tier`, `tier?`: a tier of the record's partner type (SPEC 3.5) */
  | TIER                       { $$ = mk(ps, I_FIELD, &@1); if ($$) { $$->name2 = ast_tier_type; $$->loc2 = @1; } }
  | TIER '?'                   { $$ = mk(ps, I_FIELD, &@1); if ($$) { $$->name2 = ast_tier_type; $$->loc2 = @1; $$->neg = true; } }
  ;

body:
    %empty                      { $$ = NULL; }
  | body stmt                   { if ($2) $2->span = @2; $$ = ast_append($1, $2); }
  ;

stmt:
    name ':'                   { $$ = mk(ps, I_SECTION, &@1); if ($$) $$->name = $1.s; }
  | expr opt_label ';'          { $$ = mk(ps, I_REQ, &@1); if ($$) { $$->a = $1; $$->b = $2; } }
  | EITHER branches opt_semi    { $$ = mk(ps, I_EITHER, &@1); if ($$) $$->list = $2; }
  | AT LEAST INT OF '{' body '}' opt_semi {
      $$ = mk(ps, I_ATLEAST, &@$); if ($$) { $$->ival = $3.i; $$->locf = @3; $$->list = $6; }
    }
  | SUSTAINED INT UNIT ';'      { $$ = mk_time(ps, TC_SUSTAINED, $2, &@2, $3.s, &@3, &@$); }
  | AT ANY name WITHIN INT UNIT ';' {
      $$ = at_any_ok(ps, $3, &@3, NULL, NULL)
               ? mk_time(ps, $6.s[0] == 'd' ? TC_ANY_DAYS : TC_ANY_MONTHS, $5, &@5, $6.s, &@6, &@$) : NULL;
    }
  | AT ANY name WITHIN INT name name ';' {
      $$ = at_any_ok(ps, $3, &@3, $6.s, &@6) ? mk_time(ps, TC_ANY_CALMONTHS, $5, &@5, $7.s, &@7, &@$) : NULL;
    }
  | error ';'                   { $$ = NULL; yyerrok; dropped(ps, DROP_STMT, &@$); }
  ;

/* `either "A" { ... } or "B" { ... }`: the first branch, then each `or` */
branches:
    branch                      { $$ = ast_append(NULL, $1); }
  | branches OR branch          { $$ = ast_append($1, $3); }
  ;

branch:
    opt_label '{' body '}'      { $$ = mk(ps, I_BRANCH, &@$); if ($$) { $$->b = $1; $$->list = $3; } }
  ;

/* `[previous] calendar|fiscal month|quarter|year`, as months | P_FISCAL | P_PREVIOUS */
period:
    CALENDAR period_unit        { $$ = $2; }
  | FISCAL period_unit          { $$ = $2; $$.i |= P_FISCAL; }
  | PREVIOUS CALENDAR period_unit { $$ = $3; $$.i |= P_PREVIOUS; }
  | PREVIOUS FISCAL period_unit { $$ = $3; $$.i |= P_FISCAL | P_PREVIOUS; }
  ;
period_unit:
    MONTH                       { $$ = $1; $$.i = 1; }
  | QUARTER                     { $$ = $1; $$.i = 3; }
  | YEAR                        { $$ = $1; $$.i = 12; }
  ;

/* the arguments of a call */
args:
    expr                        { $$ = ast_append(NULL, $1); }
  | args2
  ;
args2: /* two or more */
    expr ',' expr               { $$ = ast_append(ast_append(NULL, $1), $3); }
  | args2 ',' expr              { $$ = ast_append($1, $3); }
  ;

where:
    %empty                      { $$ = NULL; }
  | WHERE expr                  { $$ = $2; }
  ;

expr:
    expr OR expr                { $$ = ast_bin(ps, B_OR, $1, $3, &@$); }
  | expr AND expr               { $$ = ast_bin(ps, B_AND, $1, $3, &@$); }
  | NOT expr                    { $$ = ast_un(ps, N_NOT, $2, &@$); }
  | expr EQ expr                { $$ = ast_bin(ps, B_EQ, $1, $3, &@$); }
  | expr '=' expr               {
      /* `certified_people = 3` where a comparison belongs: one error, and
       * the comparison meant, so that nothing follows from it */
      diag_add(ps->dg, TIER_ERROR, &@2, _("'=' defines a metric; to compare, write '==' (equal to) or '>=' (at least)"));
      $$ = ast_bin(ps, B_EQ, $1, $3, &@$);
    }
  | expr NE expr                { $$ = ast_bin(ps, B_NE, $1, $3, &@$); }
  | expr '<' expr               { $$ = ast_bin(ps, B_LT, $1, $3, &@$); }
  | expr LE expr                { $$ = ast_bin(ps, B_LE, $1, $3, &@$); }
  | expr '>' expr               { $$ = ast_bin(ps, B_GT, $1, $3, &@$); }
  | expr GE expr                { $$ = ast_bin(ps, B_GE, $1, $3, &@$); }
  | expr IN '{' names opt_comma '}' {
      $$ = ast_un(ps, N_IN, $1, &@$); if ($$ && $$->kind == N_IN) $$->list = $4;
    }
  | expr IN period OF primary   {
      $$ = ast_pair(ps, N_PERIOD, $1, $5, &@$);
      if ($$ && $$->kind == N_PERIOD) {
        $$->loc = @3;
        $$->op = (uint8_t)($3.i & P_MONTHS);
        $$->neg = ($3.i & P_FISCAL) != 0;
        $$->ival = ($3.i & P_PREVIOUS) != 0;
      }
    }
  | expr IS NONE                { $$ = ast_un(ps, N_ISNONE, $1, &@$); }
  | expr IS NOT NONE            { $$ = ast_un(ps, N_ISNONE, $1, &@$); if ($$ && $$->kind == N_ISNONE) $$->neg = true; }
  | expr WITHIN INT UNIT        {
      $$ = ast_un(ps, N_WITHIN, $1, &@$);
      if ($$ && $$->kind == N_WITHIN) {
        struct node *d = mk(ps, N_DURATION, &@3);
        if (d) { d->ival = $3.i; d->locf = @3; d->name = $4.s; d->loc2 = @4; d->span.end = @4.end; }
        $$->b = d;
      }
    }
  | expr '+' expr               { $$ = ast_bin(ps, B_ADD, $1, $3, &@$); }
  | expr '-' expr               { $$ = ast_bin(ps, B_SUB, $1, $3, &@$); }
  | expr '*' expr               { $$ = ast_bin(ps, B_MUL, $1, $3, &@$); }
  | expr '/' expr               { $$ = ast_bin(ps, B_DIV, $1, $3, &@$); }
  | '-' expr %prec UMINUS       { $$ = ast_un(ps, N_NEG, $2, &@$); }
  | IF expr THEN expr ELSE expr { $$ = ast_if(ps, $2, $4, $6, &@$); }
  | COUNT name where            { $$ = mkagg(ps, A_COUNT, NULL, $2, &@2, $3, &@$); }
  | COUNT DISTINCT aggval IN name where { $$ = mkagg(ps, A_DISTINCT, $3, $5, &@5, $6, &@$); }
  | SUM aggval IN name where    { $$ = mkagg(ps, A_SUM, $2, $4, &@4, $5, &@$); }
  | AVG aggval IN name where    { $$ = mkagg(ps, A_AVG, $2, $4, &@4, $5, &@$); }
  | MEDIAN aggval IN name where { $$ = mkagg(ps, A_MEDIAN, $2, $4, &@4, $5, &@$); }
  | MIN name IN name where      { $$ = mkagg(ps, A_MIN, mkname(ps, $2, &@2), $4, &@4, $5, &@$); }
  | MAX name IN name where      { $$ = mkagg(ps, A_MAX, mkname(ps, $2, &@2), $4, &@4, $5, &@$); }
  | ANY name where              { $$ = mkagg(ps, A_ANY, NULL, $2, &@2, $3, &@$); }
  | ALL name where              { $$ = mkagg(ps, A_ALL, NULL, $2, &@2, $3, &@$); }
  /* `min (EXPR) in LIST` is an aggregate, `min(a, b)` a call: the parser
   * tells them apart at `in` (see the call rules below) */
  | MIN '(' expr ')' IN name where { $$ = mkagg(ps, A_MIN, ast_un(ps, 0, $3, &@$), $6, &@6, $7, &@$); }
  | MAX '(' expr ')' IN name where { $$ = mkagg(ps, A_MAX, ast_un(ps, 0, $3, &@$), $6, &@6, $7, &@$); }
  | MIN '(' args2 ')' IN name where { $$ = agg_of_values(ps, A_MIN, "min", $3, $6, &@6, $7, &@$); }
  | MAX '(' args2 ')' IN name where { $$ = agg_of_values(ps, A_MAX, "max", $3, $6, &@6, $7, &@$); }
  | primary
  ;

/* what an aggregate takes from each item: a field (or item metric) of the
 * list, or an expression in parentheses */
aggval:
    name                        { $$ = mkname(ps, $1, &@1); }
  | '(' expr ')'                { $$ = ast_un(ps, 0, $2, &@$); }
  ;

primary:
    INT                         { $$ = mk(ps, N_INT, &@1); if ($$) $$->ival = $1.i; }
  | DECIMAL                     { $$ = mk(ps, N_DEC, &@1); if ($$) $$->q = $1.q; }
  | STRING                      { $$ = mk(ps, N_STR, &@1); if ($$) { $$->str = $1.s; $$->str_len = $1.n; } }
  | DATE                        { $$ = mk(ps, N_DATE, &@1); if ($$) $$->ival = $1.i; }
  | TRUE                        { $$ = mk(ps, N_BOOL, &@1); if ($$) $$->ival = 1; }
  | FALSE                       { $$ = mk(ps, N_BOOL, &@1); }
  | ASOF                        { $$ = mk(ps, N_ASOF, &@1); }
  | name                       { $$ = mkname(ps, $1, &@1); }
  /* `holds T` and `meets T` (SPEC 3.5): followed by a name they are tier
   * references; alone, `holds` is a name like any other */
  | HOLDS name                  { $$ = mk(ps, N_HOLDS, &@$); if ($$) { $$->name = $2.s; $$->loc = @2; } }
  | MEETS name                  { $$ = mk(ps, N_HOLDS, &@$); if ($$) { $$->name = $2.s; $$->loc = @2; $$->op = 1; } }
  | callee '(' args ')'         { $$ = ast_call(ps, $1.s, &@1, $3, &@$); }
  | callee '(' ')'              { $$ = ast_call(ps, $1.s, &@1, NULL, &@$); }
  | name '[' expr ']'           {
      $$ = ast_un(ps, N_INDEX, $3, &@$); if ($$ && $$->kind == N_INDEX) { $$->name = $1.s; $$->loc2 = @1; }
    }
  | MIN '(' ')'                 { $$ = ast_call(ps, "min", &@1, NULL, &@$); }
  | MAX '(' ')'                 { $$ = ast_call(ps, "max", &@1, NULL, &@$); }
  /* min and max are also aggregates (min FIELD in LIST).  With one argument
   * the call is its own rule, so that `min (EXPR) in LIST` can be told
   * apart at `in`: the %prec makes the parser shift `in` there. */
  | MIN '(' expr ')' %prec ELSE { $$ = ast_call(ps, "min", &@1, $3, &@$); }
  | MAX '(' expr ')' %prec ELSE { $$ = ast_call(ps, "max", &@1, $3, &@$); }
  | MIN '(' args2 ')' %prec ELSE { $$ = ast_call(ps, "min", &@1, $3, &@$); }
  | MAX '(' args2 ')' %prec ELSE { $$ = ast_call(ps, "max", &@1, $3, &@$); }
  | INT UNIT                    {
      $$ = mk(ps, N_DURATION, &@$); if ($$) { $$->ival = $1.i; $$->locf = @1; $$->name = $2.s; $$->loc2 = @2; }
    }
  | '(' expr ')'                { $$ = ast_un(ps, 0, $2, &@$); }
  ;

%%

/* An aggregate over LIST (ast_agg), with the list's name and place. */
static struct node *mkagg(struct parser *ps, int op, struct node *val, struct tokval list, const YYLTYPE *ll,
                          struct node *where, const YYLTYPE *l) {
  struct node *n = ast_agg(ps, op, val, where, l);
  if (n && n->kind == N_AGG) {
    n->name2 = list.s;
    n->loc2 = *ll;
  }
  return n;
}

/* `min(a, b) in LIST`: a call's values where an aggregate's one value per
 * item belongs; say which is which, then read it as the aggregate of the
 * first value, so that the names in it are the list's items' and nothing
 * follows from the slip. */
static struct node *agg_of_values(struct parser *ps, int op, const char *fn, struct node *args, struct tokval list,
                                  const YYLTYPE *ll, struct node *where, const YYLTYPE *l) {
  diag_add(ps->dg, TIER_ERROR, l,
           _("an aggregate takes one value from each item: write `%s FIELD in %s` or `%s (EXPR) in %s`; %s(a, b, ...) compares the values it is given"),
           fn, list.s, fn, list.s, fn);
  if (args) args->next = NULL;
  return mkagg(ps, op, ast_un(ps, 0, args, l), list, ll, where, l);
}

/* A time clause (SPEC 3.5, "Checkpoints"): sema checks N and the unit. */
static struct node *mk_time(struct parser *ps, int kind, struct tokval n, const YYLTYPE *nl, const char *unit,
                            const YYLTYPE *ul, const YYLTYPE *l) {
  struct node *t = mk(ps, I_TIME, l);
  if (!t) return NULL;
  t->op = (uint8_t)kind;
  t->ival = n.i;
  t->locf = *nl;
  t->name = unit;
  t->loc2 = *ul;
  return t;
}

/* `at any checkpoint within ...`: `checkpoint` and `calendar` are words
 * only here, so the grammar takes names and checks them (a wrong word is
 * one clear error, and the clause is dropped). */
static bool at_any_ok(struct parser *ps, struct tokval word, const YYLTYPE *wl, const char *cal, const YYLTYPE *cl) {
  if (strcmp(word.s, "checkpoint") != 0) {
    diag_add(ps->dg, TIER_ERROR, wl, _("expected `at any checkpoint within N months|N days|N calendar months;`, not '%s'"),
             word.s);
    return false;
  }
  if (cal && strcmp(cal, "calendar") != 0) {
    diag_add(ps->dg, TIER_ERROR, cl, _("expected `calendar months` or a unit (days, months) after the number, not '%s'"), cal);
    return false;
  }
  return true;
}

/* ast.h */
void dropped(struct parser *ps, unsigned kind, const struct loc *l) {
  if (!ps->drops) return;
  ps->drops->kinds |= kind;
  if (kind == DROP_STMT && ps->drops->nstmts < DROPS_MAX) ps->drops->stmts[ps->drops->nstmts] = *l;
  ps->drops->nstmts += kind == DROP_STMT;
}

/* A whole item skipped: what it declared, by the word it starts with. */
static void dropped_item(struct parser *ps, const YYLTYPE *l) {
  static const struct { const char *word; unsigned kind; } starts[] = {
      {"enum", DROP_ENUM},   {"record", DROP_RECORD}, {"metric", DROP_METRIC},        {"tier", DROP_BLOCK},
      {"badge", DROP_BLOCK}, {"const", DROP_CONST},   {"table", DROP_TABLE},          {"formula", DROP_FORMULA},
      {"requirements", DROP_REQS}};
  unsigned kind = DROP_OTHER;
  const char *w = ps->text + (l->beg < ps->len ? l->beg : ps->len);
  size_t n = strspn(w, "abcdefghijklmnopqrstuvwxyz");
  for (size_t i = 0; i < sizeof starts / sizeof *starts; i++)
    if (strlen(starts[i].word) == n && strncmp(w, starts[i].word, n) == 0) kind = starts[i].kind;
  dropped(ps, kind, l);
}

static void yyerror(YYLTYPE *l, yyscan_t sc, struct parser *ps, const char *msg) {
  (void)sc;
  if (strcmp(msg, "memory exhausted") == 0 && ps->ar->failed)
    return; /* the allocator said no: the compilation ends as out of memory */
  if (strcmp(msg, "memory exhausted") == 0)
    diag_add(ps->dg, TIER_ERROR, l, _("nesting is too deep for the parser (the limit is %d levels)"), LIM_DEPTH);
  else
    diag_add(ps->dg, TIER_ERROR, l, "%s", msg);
}

/* An aggregate's keyword (the token) is followed by its value and `in
 * LIST`; when the `in` is missing, say what the aggregate is, and for min
 * and max what the function of the same name is. */
static void agg_hint(int agg, struct buf *b) {
  const char *w = agg == MIN ? "min" : agg == MAX ? "max" : agg == SUM ? "sum" : agg == AVG ? "avg"
                : agg == MEDIAN ? "median" : "count distinct";
  if (agg == MIN || agg == MAX)
    buf_printf(b, _("(`%s FIELD in LIST` and `%s (EXPR) in LIST` aggregate a list's items; %s(a, b, ...) compares values)"),
               w, w, w);
  else
    buf_printf(b, _("(`%s FIELD in LIST` and `%s (EXPR) in LIST` aggregate a list's items)"), w, w);
}

/* A '>' at the end of a line where a statement goes on, in a block (the
 * syntax error said that a ';' may be missing before it): read as the ';'
 * and the block's end, so the error recovery skips only that statement
 * and the next line is read as the next item.  Inside braces the '>' is
 * left as it is. */
static void end_block_here(struct parser *ps, const YYLTYPE *loc) {
  uint32_t i = loc->end;
  while (i < ps->len && (ps->text[i] == ' ' || ps->text[i] == '\t' || ps->text[i] == '\r')) i++;
  bool line_end = i >= ps->len || ps->text[i] == '\n' || ps->text[i] == '#';
  if (!line_end || ps->brace_depth > 0 || ps->inserted || ps->holding) return;
  ps->in_block = ps->stmt_start = ps->block_braced = false;
  ps->inserted = ';';
  ps->inserted_n = 1;
  ps->holding = true;
  ps->held = BLOCK_END;
  memset(&ps->held_val, 0, sizeof ps->held_val);
  ps->held_loc = *loc;
}

/* "unexpected X; expected A, B or C", with hints for the usual slips:
 * a ';' missing at the end of a line, a tier block left open. */
static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t sc, struct parser *ps) {
  (void)sc;
  enum { NEXP = 12 };
  yysymbol_kind_t all[YYNTOKENS];
  int nall = yypcontext_expected_tokens(ctx, all, YYNTOKENS);
  /* where an identifier may stand, the words that are keywords only
   * elsewhere (parser.y, name) are identifiers too: not worth listing */
  bool ident = false;
  for (int i = 0; i < nall; i++) ident = ident || all[i] == YYSYMBOL_IDENT;
  int kept = 0;
  for (int i = 0; i < nall; i++)
    if (!ident || !lex_unreserved(yysymbol_name(all[i]))) all[kept++] = all[i];
  nall = kept;
  yysymbol_kind_t tok = yypcontext_token(ctx);
  const YYLTYPE *loc = yypcontext_location(ctx);
  /* a reserved word where a name may stand: say how to write it, unless
   * the word starts an item (a tier block or record left open) */
  static const char *const item_words[] = {"tier", "metric", "enum", "record", "import", "ruleset", "review", "effective"};
  bool starts_item = false;
  for (size_t i = 0; i < sizeof item_words / sizeof *item_words; i++)
    starts_item = starts_item || strcmp(yysymbol_name(tok), item_words[i]) == 0;
  if (ident && !starts_item && lex_reserved(yysymbol_name(tok))) {
    diag_add(ps->dg, TIER_ERROR, loc, _("'%s' is a reserved word: to use it as a name, write it in backquotes: `%s`"),
             yysymbol_name(tok), yysymbol_name(tok));
    return 0;
  }
  bool semi = false, item_start = false;
  for (int i = 0; i < nall; i++) {
    const char *nm = yysymbol_name(all[i]);
    if (strcmp(nm, "';'") == 0) semi = true;
    if (strcmp(nm, "tier") == 0 || strcmp(nm, "metric") == 0) item_start = true;
  }
  /* the previous token ended on an earlier line than this one starts */
  bool new_line = false;
  for (uint32_t i = ps->prev_end; i < loc->beg && i < ps->len; i++)
    if (ps->text[i] == '\n') new_line = true;
  const char *got = tok == YYSYMBOL_YYEOF ? _("end of file") : yysymbol_name(tok);
  if (semi && !item_start && new_line) {
    diag_add(ps->dg, TIER_ERROR, loc, _("unexpected %s; expected ';' (is a ';' missing at the end of the previous line?)"), got);
  } else if (nall > 0) {
    /* the list: "A, B or C", or "A, B, ... or one of N other tokens" */
    struct buf b = {0};
    int n = nall < NEXP ? nall : NEXP;
    for (int i = 0; i < n; i++)
      buf_printf(&b, "%s%s", i == 0 ? "" : i == n - 1 && nall <= NEXP ? _(" or ") : _(", "),
                 all[i] == YYSYMBOL_YYEOF ? _("end of file") : yysymbol_name(all[i]));
    if (nall > NEXP)
      buf_printf(&b, NG_(" or one of %d other token", " or one of %d other tokens", (unsigned long)(nall - NEXP)), nall - NEXP);
    const char *list = b.p ? (char *)b.p : "";
    if (ps->in_block && strcmp(yysymbol_name(tok), "'>'") == 0) {
      diag_add(ps->dg, TIER_ERROR, loc,
               _("unexpected %s; expected %s (the '>' that closes a tier block must start a statement: is a ';' missing before it?)"),
               got, list);
      end_block_here(ps, loc);
    }
    else if (nall == 1 && all[0] == YYSYMBOL_IN && ps->last_agg) {
      struct buf h = {0};
      agg_hint(ps->last_agg, &h);
      diag_add(ps->dg, TIER_ERROR, loc, _("unexpected %s; expected %s %s"), got, list, h.p ? (char *)h.p : "");
      buf_free(&h);
    } else
      diag_add(ps->dg, TIER_ERROR, loc, _("unexpected %s; expected %s"), got, list);
    buf_free(&b);
  } else {
    diag_add(ps->dg, TIER_ERROR, loc, _("unexpected %s"), got);
  }
  return 0;
}
