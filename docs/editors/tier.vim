" Vim syntax file
" Language:    tier -- partner-tier rules compiled by tierc (*.tier)
" Maintainer:  the tierc project (docs/editors/README.md says how to install)
" Covers:      docs/language.md, section 2 (lexical structure) and 11 (grammar)

if exists("b:current_syntax")
  finish
endif
let s:cpo_save = &cpo
set cpo&vim

syn case match

" ---- keywords (the 34 reserved words) -------------------------------------
syn keyword tierDeclaration tier metric enum record list
syn keyword tierGroup       either
syn keyword tierHeader      import ruleset version review effective
syn keyword tierAggregate   count distinct sum min max avg median any all
syn keyword tierConditional if then else
syn keyword tierWordOp      and or not in is where within for
syn keyword tierSustained   sustained
" the time clause `at any checkpoint within N [calendar] months;`
syn match tierSustained "\v<at\s+any\s+checkpoint>"
syn match tierSustained "\v(<within\s+\d+\s+)@<=<calendar>"
syn keyword tierBoolean     true false
syn keyword tierConstant    none asof

" ---- names that are not reserved but mean something where they stand ------
" the type of a field: `name: type;` or `name: type?;`
syn match tierType     "\v(:\s*)@<=<(text|int|number|money|bool|date|tier)>\ze\s*\??\s*;"
" the partner modifier: `partner type: partner_type;`
syn match tierModifier "\v<partner>\ze\s+\h\w*\s*:"
" a section heading on its own line inside a tier block: `knowledge:`
syn match tierSection  "\v^\s*\zs\h\w*\ze\s*:\s*(#.*)?$"
" a call of a function of values: abs(x), floor(x), round(x, 2), min(a, b)
syn match tierCall     "\v<\h\w*\ze\s*\("
" words that are keywords only where they stand: badge NAME, requirements
" NAME(, at least N of
syn match tierDeclaration "\v^\s*\zs<(badge|requirements|const|formula|table)>\ze\s+\h\w*"
syn match tierGroup       "\v<at\s+least>\ze\s+\d+\s+<of>"
syn match tierGroup       "\v(<least\s+\d+\s+)@<=<of>"
" tier references: holds NAME, meets NAME (a name follows; alone they are names)
syn match tierWordOp      "\v<(holds|meets)>\ze\s+\h\w*"
" grant TIER [when COND]; at the start of a line
syn match tierHeader      "\v^\s*\zs<grant>\ze\s+\h\w*"
syn match tierHeader      "\v(^\s*<grant>\s+\h\w*\s+)@<=<when>"
" a period after `in`: in [previous] calendar month|quarter|year of, fiscal
" quarter|year of; and the top-level item fiscal year starts in MONTH;
syn match tierWordOp      "\v(<in\s+)@<=(previous\s+)?(calendar\s+(month|quarter|year)|fiscal\s+(quarter|year))\s+of>"
syn match tierHeader      "\v^\s*\zs<fiscal\s+year\s+starts\s+in>"
" any word in backquotes is a name, never a keyword: `in`, `count`
syn match tierQuoted      "\v`\h\w*`"
" the names a declaration introduces
syn match tierTierName   "\v(<tier>\s+)@<=\h\w*\ze\s+(\"[^"]*\"\s*)?\h\w*\s*\<"
syn match tierTierName   "\v(<badge>\s+)@<=\h\w*\ze\s*(\"[^"]*\"\s*)?\<"
syn match tierTierName   "\v(<requirements>\s+)@<=\h\w*\ze\s*\("
syn match tierMetricName "\v^\s*(<(const|formula|table)>\s+)@<=\h\w*"
syn match tierMetricName "\v(<metric>\s+)@<=\h\w*"
syn match tierEnumName   "\v(<enum>\s+)@<=\h\w*"
syn match tierRecordName "\v(<record>\s+)@<=\h\w*"

" ---- literals ----------------------------------------------------------------
" (a later :syn match wins at the same position: number, then duration, then date)
syn match tierNumber   "\v<\d+(\.\d+)?>%(\%)?"
syn match tierDuration "\v<\d+\s+(days?|months?|years?)>" contains=tierUnit
syn match tierUnit     "\v<(days?|months?|years?)>" contained
syn match tierDate     "\v<\d{4}-\d{2}-\d{2}>"
syn region tierString  start=+"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ oneline contains=tierEscape,tierEscapeError,@Spell
syn match tierEscape      "\\[nt\"\\]" contained
syn match tierEscapeError "\\[^nt\"\\]" contained

" ---- comments and operators --------------------------------------------------
syn keyword tierTodo    TODO FIXME XXX NOTE contained
syn match   tierComment "#.*$" contains=tierTodo,@Spell
syn match   tierOperator  "==\|!=\|<=\|>=\|[-+*/<>=?.]"
syn match   tierDelimiter "[{}(),;:]"

" ---- colours -------------------------------------------------------------------
hi def link tierDeclaration Statement
hi def link tierGroup       Conditional
hi def link tierHeader      PreProc
hi def link tierAggregate   Function
hi def link tierConditional Conditional
hi def link tierWordOp      Operator
hi def link tierSustained   Repeat
hi def link tierBoolean     Boolean
hi def link tierConstant    Constant
hi def link tierType        Type
hi def link tierModifier    StorageClass
hi def link tierSection     Label
hi def link tierCall        Function
hi def link tierQuoted      Identifier
hi def link tierTierName    Identifier
hi def link tierMetricName  Function
hi def link tierEnumName    Type
hi def link tierRecordName  Type
hi def link tierNumber      Number
hi def link tierDuration    Number
hi def link tierUnit        Special
hi def link tierDate        Constant
hi def link tierString      String
hi def link tierEscape      SpecialChar
hi def link tierEscapeError Error
hi def link tierTodo        Todo
hi def link tierComment     Comment
hi def link tierOperator    Operator
hi def link tierDelimiter   Delimiter

let b:current_syntax = "tier"
let &cpo = s:cpo_save
unlet s:cpo_save
