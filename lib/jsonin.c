/*
 * jsonin.c — strict JSON objects from request bodies, and declared fields.
 *
 * vs_json_parse_object() runs in two steps. First our own recognizer walks
 * the bytes once and enforces RFC 8259 exactly, plus what cJSON 1.7.15 lets
 * through: every string is valid UTF-8 (no overlongs, no encoded surrogates,
 * nothing above U+10FFFF) with no raw control characters, no \u0000 and only
 * paired surrogate escapes; nesting is at most VS_JSON_MAX_DEPTH containers
 * (so cJSON's compiled-in limit of 1000 never matters); numbers follow the
 * JSON grammar and fit cJSON's 63-byte number buffer; only JSON whitespace
 * surrounds tokens and nothing follows the top-level object. Only then does
 * cJSON build the tree, and a walk over the tree refuses duplicate keys
 * (compared after unescaping, so "a" and "\u0061" are the same key).
 *
 * vs_form_validate() checks a tree against a table of declared fields, the
 * way kcgi's kvalid_* functions do: unknown keys, wrong types, ranges,
 * lengths in code points, control characters and RFC 3339 times. Its
 * messages are sentences for people and are always valid UTF-8, because the
 * JSON writer that carries them requires it.
 *
 * Invariant: nothing here allocates beyond what it frees before returning,
 * except the tree handed to the caller.
 *
 * Why one file of over 500 lines: the recognizer and the declared-field
 * validator are one job (a body either becomes typed values or one 422
 * naming a field) and share the UTF-8 and number rules; the fuzz harness
 * fuzz_json drives the file as a whole.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsession/jsonin.h"
#include "vsession/timeutil.h"
#include "vsession/utf8.h"

/*
 * 2^53: from here on doubles are not exact. 2^53 itself is refused too,
 * because 2^53 + 1 rounds to it: the largest accepted magnitude is
 * 2^53 - 1, JavaScript's Number.MAX_SAFE_INTEGER.
 */
#define EXACT_DOUBLE_LIMIT 9007199254740992.0
#define EXACT_INT_LIMIT    INT64_C(9007199254740992)

/* cJSON copies a number into a 64-byte buffer and silently stops at 63. */
#define CJSON_NUMBER_MAX 63

/* Keys longer than this are shortened ("…") when quoted in a message. */
#define MSG_NAME_MAX 64

/* Objects with at most this many members are checked pairwise, larger ones sorted. */
#define PAIRWISE_MAX 32

/* ------------------------------------------------------------------------ */
/* The recognizer: RFC 8259 plus our restrictions, no tree, no allocation.  */
/* ------------------------------------------------------------------------ */

struct scan {
	const unsigned char *a;  /* the input */
	size_t n;                /* its length */
	size_t i;                /* the next byte to read */
	unsigned nDepth;         /* containers currently open */
	size_t iMember;          /* the top-level member being read (0-based) */
	long iNulMember;         /* the first top-level member holding a \u0000, -1 for none */
};

static bool scan_value(struct scan *s);

static void scan_ws(struct scan *s)
{
	while (s->i < s->n && (s->a[s->i] == ' ' || s->a[s->i] == '\t' ||
			       s->a[s->i] == '\n' || s->a[s->i] == '\r'))
		s->i++;
}

static bool scan_byte(struct scan *s, unsigned char c)
{
	if (s->i >= s->n || s->a[s->i] != c)
		return false;
	s->i++;
	return true;
}

/* Reads the four hex digits of a \u escape (s->i is on the first). */
static bool scan_hex4(struct scan *s, uint32_t *pV)
{
	uint32_t v = 0;

	if (s->n - s->i < 4)
		return false;
	for (int k = 0; k < 4; k++) {
		unsigned char c = s->a[s->i++];
		uint32_t d;
		if (c >= '0' && c <= '9')
			d = (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (uint32_t)(c - 'A' + 10);
		else
			return false;
		v = v << 4 | d;
	}
	*pV = v;
	return true;
}

/*
 * A string, s->i on the opening quote. Refuses raw bytes below 0x20 (NUL
 * included), ill-formed UTF-8, and surrogate escapes that do not form a
 * high-low pair. A \u0000 escape is valid JSON: it is let through and the
 * top-level member it is in is remembered (cJSON cuts the string there, so
 * the caller refuses that field by name).
 */
static bool scan_string(struct scan *s)
{
	if (!scan_byte(s, '"'))
		return false;
	while (s->i < s->n) {
		unsigned char c = s->a[s->i];
		uint32_t cp;

		if (c == '"') {
			s->i++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c >= 0x80) {
			size_t len = vs_utf8_decode(s->a + s->i, s->n - s->i, &cp);
			if (len == 0)
				return false;
			s->i += len;
			continue;
		}
		s->i++;
		if (c != '\\')
			continue;
		if (s->i >= s->n)
			return false;
		c = s->a[s->i++];
		if (strchr("\"\\/bfnrt", c) != NULL && c != '\0')
			continue;
		if (c != 'u' || !scan_hex4(s, &cp))
			return false;
		if (cp == 0) {
			if (s->iNulMember < 0)
				s->iNulMember = (long)s->iMember;
			continue;
		}
		if (cp >= 0xDC00 && cp <= 0xDFFF)
			return false;  /* a low surrogate with no high one before it */
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			uint32_t lo;
			if (!scan_byte(s, '\\') || !scan_byte(s, 'u') || !scan_hex4(s, &lo) ||
			    lo < 0xDC00 || lo > 0xDFFF)
				return false;
		}
	}
	return false;
}

static bool scan_digits(struct scan *s)
{
	size_t i0 = s->i;

	while (s->i < s->n && s->a[s->i] >= '0' && s->a[s->i] <= '9')
		s->i++;
	return s->i > i0;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, at most CJSON_NUMBER_MAX bytes. */
static bool scan_number(struct scan *s)
{
	size_t i0 = s->i;

	scan_byte(s, '-');
	if (scan_byte(s, '0')) {
		/* no leading zeros: "01" ends the number after the 0 and fails later */
	} else if (s->i < s->n && s->a[s->i] >= '1' && s->a[s->i] <= '9') {
		scan_digits(s);
	} else {
		return false;
	}
	if (scan_byte(s, '.') && !scan_digits(s))
		return false;
	if (scan_byte(s, 'e') || scan_byte(s, 'E')) {
		if (!scan_byte(s, '+'))
			scan_byte(s, '-');
		if (!scan_digits(s))
			return false;
	}
	return s->i - i0 <= CJSON_NUMBER_MAX;
}

static bool scan_literal(struct scan *s, const char *zWord)
{
	size_t n = strlen(zWord);

	if (s->n - s->i < n || memcmp(s->a + s->i, zWord, n) != 0)
		return false;
	s->i += n;
	return true;
}

/* An object or array, s->i on the opening bracket; counts the depth. */
static bool scan_container(struct scan *s, unsigned char cOpen, unsigned char cClose)
{
	bool bObject = cOpen == '{';

	if (!scan_byte(s, cOpen) || ++s->nDepth > VS_JSON_MAX_DEPTH)
		return false;
	scan_ws(s);
	if (scan_byte(s, cClose)) {
		s->nDepth--;
		return true;
	}
	for (;;) {
		if (bObject) {
			if (s->nDepth == 1 && s->iMember < (size_t)LONG_MAX)
				s->iMember++;
			if (!scan_string(s))
				return false;
			scan_ws(s);
			if (!scan_byte(s, ':'))
				return false;
			scan_ws(s);
		}
		if (!scan_value(s))
			return false;
		scan_ws(s);
		if (scan_byte(s, cClose)) {
			s->nDepth--;
			return true;
		}
		if (!scan_byte(s, ','))
			return false;
		scan_ws(s);
	}
}

/* Any JSON value at s->i (no leading whitespace). Recursion is bounded by the depth limit. */
static bool scan_value(struct scan *s)
{
	if (s->i >= s->n)
		return false;
	switch (s->a[s->i]) {
	case '{': return scan_container(s, '{', '}');
	case '[': return scan_container(s, '[', ']');
	case '"': return scan_string(s);
	case 't': return scan_literal(s, "true");
	case 'f': return scan_literal(s, "false");
	case 'n': return scan_literal(s, "null");
	default:  return scan_number(s);
	}
}

/*
 * True when the n bytes at z are one strict JSON object and nothing else.
 * *piNulMember: the first top-level member (0-based) with a \u0000, or -1.
 */
static bool scan_document(const char *z, size_t n, long *piNulMember)
{
	struct scan s = { (const unsigned char *)z, n, 0, 0, 0, -1 };

	scan_ws(&s);
	if (s.i >= s.n || s.a[s.i] != '{' || !scan_value(&s))
		return false;
	scan_ws(&s);
	/* iMember counted from 1 as each key began */
	*piNulMember = s.iNulMember > 0 ? s.iNulMember - 1 : -1;
	return s.i == s.n;
}

/* ------------------------------------------------------------------------ */
/* Duplicate keys, on the tree (keys are unescaped there).                  */
/* ------------------------------------------------------------------------ */

static int compare_keys(const void *pA, const void *pB)
{
	return strcmp(*(const char *const *)pA, *(const char *const *)pB);
}

/* True when no two members of the object o have the same key. False on a duplicate or no memory. */
static bool object_keys_unique(const cJSON *o)
{
	size_t nMember = 0, k = 0;
	const cJSON *m;
	const char **azKey;
	bool bUnique = true;

	for (m = o->child; m != NULL; m = m->next)
		nMember++;
	if (nMember <= PAIRWISE_MAX) {
		for (m = o->child; m != NULL; m = m->next)
			for (const cJSON *m2 = m->next; m2 != NULL; m2 = m2->next)
				if (strcmp(m->string, m2->string) == 0)
					return false;
		return true;
	}
	azKey = malloc(nMember * sizeof(*azKey));
	if (azKey == NULL)
		return false;
	for (m = o->child; m != NULL; m = m->next)
		azKey[k++] = m->string;
	qsort(azKey, nMember, sizeof(*azKey), compare_keys);
	for (k = 1; k < nMember && bUnique; k++)
		bUnique = strcmp(azKey[k - 1], azKey[k]) != 0;
	free(azKey);
	return bUnique;
}

/* Walks the tree (at most VS_JSON_MAX_DEPTH deep, checked before) for duplicate keys. */
static bool tree_keys_unique(const cJSON *item)
{
	if (cJSON_IsObject(item) && !object_keys_unique(item))
		return false;
	if (cJSON_IsObject(item) || cJSON_IsArray(item))
		for (const cJSON *c = item->child; c != NULL; c = c->next)
			if (!tree_keys_unique(c))
				return false;
	return true;
}

/*
 * Checks the bytes first, then lets cJSON build the tree from a NUL-
 * terminated copy (the length passed includes the NUL and a NUL terminator
 * is required, so cJSON itself also refuses trailing bytes). The copy is
 * freed here; the tree belongs to the caller. NULL on any refusal and when
 * memory runs out.
 */
cJSON *vs_json_parse_object(const char *z, size_t n)
{
	const char *zNul = NULL;
	cJSON *root = vs_json_parse_object_nul(z, n, &zNul);

	if (root != NULL && zNul != NULL) {
		cJSON_Delete(root);
		root = NULL;
	}
	return root;
}

cJSON *vs_json_parse_object_nul(const char *z, size_t n, const char **pzNulField)
{
	char *zCopy = NULL;
	const char *zEnd = NULL;
	cJSON *root = NULL;
	long iNul = -1;

	*pzNulField = NULL;
	if (z == NULL || n == SIZE_MAX || !scan_document(z, n, &iNul))
		return NULL;
	zCopy = malloc(n + 1);
	if (zCopy == NULL)
		return NULL;
	memcpy(zCopy, z, n);
	zCopy[n] = '\0';
	root = cJSON_ParseWithLengthOpts(zCopy, n + 1, &zEnd, 1);
	if (root != NULL && cJSON_IsObject(root) && zEnd == zCopy + n && iNul >= 0) {
		/* cut strings may now look like duplicates: the NUL is the fault to name */
		const cJSON *m = root->child;
		for (long k = 0; m != NULL && k < iNul; k++)
			m = m->next;
		if (m != NULL && m->string != NULL) {
			*pzNulField = m->string;
			free(zCopy);
			return root;
		}
	}
	if (root == NULL || !cJSON_IsObject(root) || zEnd != zCopy + n || iNul >= 0 ||
	    !tree_keys_unique(root)) {
		cJSON_Delete(root);
		root = NULL;
	}
	free(zCopy);
	return root;
}

/* ------------------------------------------------------------------------ */
/* Declared fields.                                                         */
/* ------------------------------------------------------------------------ */

/*
 * Formats a message into zMsg (nMsg bytes). When it does not fit, the cut
 * falls on a UTF-8 character boundary, so the message stays valid UTF-8.
 */
__attribute__((format(printf, 3, 4)))
static void set_msg(char *zMsg, size_t nMsg, const char *zFormat, ...)
{
	va_list ap;
	int n;

	if (zMsg == NULL || nMsg == 0)
		return;
	va_start(ap, zFormat);
	n = vsnprintf(zMsg, nMsg, zFormat, ap);
	va_end(ap);
	if (n < 0) {
		zMsg[0] = '\0';
	} else if ((size_t)n >= nMsg) {
		const unsigned char *a = (const unsigned char *)zMsg;
		size_t len = strlen(zMsg), i = 0, nGood = 0;
		uint32_t cp;
		while (i < len) {
			size_t step = vs_utf8_decode(a + i, len - i, &cp);
			if (step == 0)
				break;
			i += step;
			nGood = i;
		}
		zMsg[nGood] = '\0';
	}
}

/*
 * How many bytes of the name z to quote in a message: all of it, or at most
 * MSG_NAME_MAX bytes ending on a character boundary (*pbCut says so).
 * Names come from the tree, so they are valid UTF-8.
 */
static int name_for_msg(const char *z, bool *pbCut)
{
	size_t n = strlen(z), k;

	*pbCut = n > MSG_NAME_MAX;
	if (!*pbCut)
		return (int)n;
	k = MSG_NAME_MAX;
	while (k > 0 && ((unsigned char)z[k] & 0xC0) == 0x80)
		k--;
	return (int)k;
}

/* "duration_minutes must be a whole number from 30 to 180, in steps of 15" */
static void msg_int(char *zMsg, size_t nMsg, const struct vs_field *f)
{
	char zRange[64] = "", zStep[40] = "";
	bool bLow = f->iMin > -EXACT_INT_LIMIT, bHigh = f->iMax < EXACT_INT_LIMIT;

	if (bLow && bHigh)
		snprintf(zRange, sizeof(zRange), " from %lld to %lld", (long long)f->iMin,
			 (long long)f->iMax);
	else if (bLow)
		snprintf(zRange, sizeof(zRange), " of at least %lld", (long long)f->iMin);
	else if (bHigh)
		snprintf(zRange, sizeof(zRange), " of at most %lld", (long long)f->iMax);
	if (f->iStep > 1 || f->iStep < -1)
		snprintf(zStep, sizeof(zStep), ", in steps of %lld",
			 f->iStep < 0 ? -(long long)f->iStep : (long long)f->iStep);
	set_msg(zMsg, nMsg, "%s must be a whole number%s%s%s", f->zName, zRange, zStep,
		f->bNullable ? ", or null" : "");
}

/* "title must be 1 to 200 characters" */
static void msg_length(char *zMsg, size_t nMsg, const struct vs_field *f)
{
	long long lo = (long long)f->iMin, hi = (long long)f->iMax;

	if (lo <= 0)
		set_msg(zMsg, nMsg, "%s must be at most %lld character%s", f->zName, hi,
			hi == 1 ? "" : "s");
	else if (hi >= EXACT_INT_LIMIT)
		set_msg(zMsg, nMsg, "%s must be at least %lld character%s", f->zName, lo,
			lo == 1 ? "" : "s");
	else if (lo == hi)
		set_msg(zMsg, nMsg, "%s must be exactly %lld character%s", f->zName, lo,
			lo == 1 ? "" : "s");
	else
		set_msg(zMsg, nMsg, "%s must be %lld to %lld characters", f->zName, lo, hi);
}

/* The sentence for a value of the wrong JSON type (or null where null is not allowed). */
static void msg_type(char *zMsg, size_t nMsg, const struct vs_field *f)
{
	const char *zOrNull = f->bNullable ? ", or null" : "";

	switch (f->eType) {
	case VS_F_INT:
		msg_int(zMsg, nMsg, f);
		break;
	case VS_F_STRING:
		set_msg(zMsg, nMsg, "%s must be a string%s", f->zName, zOrNull);
		break;
	case VS_F_BOOL:
		set_msg(zMsg, nMsg, "%s must be true or false%s", f->zName, zOrNull);
		break;
	case VS_F_TIME:
		set_msg(zMsg, nMsg,
			"%s must be an RFC 3339 date-time such as 2026-12-01T15:00:00Z%s",
			f->zName, zOrNull);
		break;
	default:
		set_msg(zMsg, nMsg, "%s is not valid", f->zName);
		break;
	}
}

/*
 * An INT: an integral double smaller than 2^53 in magnitude (beyond that
 * doubles are not exact; 1e400 arrives as infinity), within [iMin, iMax]
 * and a multiple of iStep. -0 is 0. The judgement is on the double cJSON
 * computed, so a literal that rounds to an integer (1.0000000000000001)
 * counts as that integer. Non-integral values are RANGE errors: the JSON
 * type is right, the value is not.
 */
static enum vs_form_err check_int(const cJSON *item, const struct vs_field *f,
				  struct vs_value *v)
{
	double d;
	int64_t i;

	if (!cJSON_IsNumber(item))
		return VS_FORM_TYPE;
	d = item->valuedouble;
	if (!(d > -EXACT_DOUBLE_LIMIT && d < EXACT_DOUBLE_LIMIT))
		return VS_FORM_RANGE;  /* also NaN and the infinities */
	i = (int64_t)d;
	if ((double)i != d || i < f->iMin || i > f->iMax)
		return VS_FORM_RANGE;
	if (f->iStep != 0 && i % f->iStep != 0)
		return VS_FORM_RANGE;
	v->i = i;
	return VS_FORM_OK;
}

/*
 * A STRING: well-formed UTF-8 (the parser guarantees it; a tree built
 * elsewhere might not), no control characters but \t, \n and \r (C0, DEL
 * and C1 are all refused, as FORMAT errors), and a length in code points
 * within [iMin, iMax].
 */
static enum vs_form_err check_string(const cJSON *item, const struct vs_field *f,
				     struct vs_value *v, bool *pbControl)
{
	const unsigned char *a;
	size_t n, i = 0;
	int64_t nChar = 0;

	*pbControl = false;
	if (!cJSON_IsString(item) || item->valuestring == NULL)
		return VS_FORM_TYPE;
	a = (const unsigned char *)item->valuestring;
	n = strlen(item->valuestring);
	while (i < n) {
		uint32_t cp;
		size_t len = vs_utf8_decode(a + i, n - i, &cp);
		if (len == 0)
			return VS_FORM_FORMAT;
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
		    (cp >= 0x7F && cp <= 0x9F)) {
			*pbControl = true;
			return VS_FORM_FORMAT;
		}
		i += len;
		nChar++;
	}
	if (nChar < f->iMin || nChar > f->iMax)
		return VS_FORM_RANGE;
	v->z = item->valuestring;
	v->n = n;
	return VS_FORM_OK;
}

/* A TIME: a string that vs_time_parse_rfc3339() accepts; i is the time in microseconds. */
static enum vs_form_err check_time(const cJSON *item, struct vs_value *v)
{
	size_t n;

	if (!cJSON_IsString(item) || item->valuestring == NULL)
		return VS_FORM_TYPE;
	n = strlen(item->valuestring);
	if (!vs_time_parse_rfc3339(item->valuestring, n, &v->i))
		return VS_FORM_FORMAT;
	v->z = item->valuestring;
	v->n = n;
	return VS_FORM_OK;
}

/* The index of the declared field named zKey, or nField when there is none. */
static size_t field_index(const struct vs_field *aField, size_t nField, const char *zKey)
{
	size_t k;

	for (k = 0; k < nField; k++)
		if (strcmp(aField[k].zName, zKey) == 0)
			break;
	return k;
}

/* Checks one member against its field and fills *v; writes the message on failure. */
static enum vs_form_err check_member(const cJSON *item, const struct vs_field *f,
				     struct vs_value *v, char *zMsg, size_t nMsg)
{
	enum vs_form_err e = VS_FORM_OK;
	bool bControl = false;

	if (cJSON_IsNull(item)) {
		if (!f->bNullable) {
			msg_type(zMsg, nMsg, f);
			return VS_FORM_TYPE;
		}
		v->bPresent = v->bNull = true;
		return VS_FORM_OK;
	}
	switch (f->eType) {
	case VS_F_INT:
		e = check_int(item, f, v);
		break;
	case VS_F_STRING:
		e = check_string(item, f, v, &bControl);
		break;
	case VS_F_BOOL:
		if (cJSON_IsBool(item))
			v->i = cJSON_IsTrue(item) ? 1 : 0;
		else
			e = VS_FORM_TYPE;
		break;
	case VS_F_TIME:
		e = check_time(item, v);
		break;
	default:
		e = VS_FORM_TYPE;
		break;
	}
	if (e == VS_FORM_OK) {
		v->bPresent = true;
	} else if (f->eType == VS_F_STRING && e == VS_FORM_RANGE) {
		msg_length(zMsg, nMsg, f);
	} else if (f->eType == VS_F_STRING && e == VS_FORM_FORMAT) {
		set_msg(zMsg, nMsg, bControl ? "%s must not contain control characters"
					     : "%s must be valid UTF-8", f->zName);
	} else {
		msg_type(zMsg, nMsg, f);
	}
	return e;
}

/*
 * Three passes, so the error reported is the one the header promises:
 * unknown (and repeated) keys in document order, then bad values in
 * document order, then missing required fields in table order. aValue is
 * cleared first; on failure it may be partly filled. Pointers stored in
 * aValue and *pzField point into aField or into the tree.
 */
enum vs_form_err vs_form_validate(const cJSON *root, const struct vs_field *aField,
				  size_t nField, struct vs_value *aValue,
				  const char **pzField, char *zMsg, size_t nMsg)
{
	const cJSON *m;
	size_t k;
	const char *zDummy;

	if (pzField == NULL)
		pzField = &zDummy;
	*pzField = NULL;
	set_msg(zMsg, nMsg, "%s", "");
	if (nField > 0)
		memset(aValue, 0, nField * sizeof(*aValue));
	if (!cJSON_IsObject(root)) {
		set_msg(zMsg, nMsg, "the body must be a JSON object");
		return VS_FORM_TYPE;
	}

	for (m = root->child; m != NULL; m = m->next) {
		const char *zKey = m->string != NULL ? m->string : "";
		bool bCut;
		int nShow = name_for_msg(zKey, &bCut);

		k = field_index(aField, nField, zKey);
		if (k == nField) {
			*pzField = zKey;
			set_msg(zMsg, nMsg, "unknown field \"%.*s%s\"", nShow, zKey,
				bCut ? "\xE2\x80\xA6" : "");
			return VS_FORM_UNKNOWN;
		}
		/* Our parser refuses duplicates; a tree built elsewhere may have them. */
		for (const cJSON *p = root->child; p != m; p = p->next) {
			if (p->string != NULL && strcmp(p->string, zKey) == 0) {
				*pzField = aField[k].zName;
				set_msg(zMsg, nMsg, "%s appears more than once", aField[k].zName);
				return VS_FORM_UNKNOWN;
			}
		}
	}

	for (m = root->child; m != NULL; m = m->next) {
		enum vs_form_err e;

		k = field_index(aField, nField, m->string != NULL ? m->string : "");
		e = check_member(m, &aField[k], &aValue[k], zMsg, nMsg);
		if (e != VS_FORM_OK) {
			*pzField = aField[k].zName;
			return e;
		}
	}

	for (k = 0; k < nField; k++) {
		if (aField[k].bRequired && !aValue[k].bPresent) {
			*pzField = aField[k].zName;
			set_msg(zMsg, nMsg, "%s is required", aField[k].zName);
			return VS_FORM_MISSING;
		}
	}
	return VS_FORM_OK;
}
