/*
 * jsonin.h — strict JSON input and declared, typed request fields (kcgi style).
 *
 * cJSON alone is too lenient for input (it accepts trailing garbage, invalid
 * UTF-8, duplicate keys and truncates at \u0000). vs_json_parse_object()
 * refuses all of that; vs_form_validate() then checks an object against a
 * table of declared fields, so handlers only ever see typed, range-checked values.
 */
#ifndef VSESSION_JSONIN_H
#define VSESSION_JSONIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#define VS_JSON_MAX_DEPTH 16

/*
 * Parses exactly n bytes at z (need not be NUL-terminated) as one JSON object.
 * Refused (NULL is returned): invalid UTF-8 anywhere, a raw or escaped NUL,
 * lone surrogate escapes, a duplicate key in any object, nesting deeper than
 * VS_JSON_MAX_DEPTH, anything but whitespace after the value, a top-level
 * value that is not an object. The caller owns the tree (cJSON_Delete).
 */
cJSON *vs_json_parse_object(const char *z, size_t n);
/*
 * The same, except that a \u0000 escape (valid JSON) is let through: then
 * *pzNulField names the top-level member holding the first one (pointing
 * into the tree; cJSON has cut that string at the NUL, so the caller must
 * refuse the field, 422), else it is NULL.
 */
cJSON *vs_json_parse_object_nul(const char *z, size_t n, const char **pzNulField);

enum vs_ftype {
	VS_F_INT,     /* a JSON number with an integral value */
	VS_F_STRING,  /* a JSON string; length limits count code points */
	VS_F_BOOL,    /* true or false */
	VS_F_TIME,    /* a JSON string holding an RFC 3339 date-time */
};

struct vs_field {
	const char   *zName;
	enum vs_ftype eType;
	bool          bRequired;  /* absent -> VS_FORM_MISSING */
	bool          bNullable;  /* JSON null accepted (value reports bNull) */
	int64_t       iMin, iMax; /* INT: value bounds; STRING: length bounds */
	int64_t       iStep;      /* INT: value must be a multiple of this; 0 = any */
};

struct vs_value {
	bool        bPresent;
	bool        bNull;
	int64_t     i;   /* INT value, BOOL as 0/1, TIME in microseconds */
	const char *z;   /* STRING and TIME: the text, owned by the cJSON tree */
	size_t      n;   /* its length in bytes */
};

enum vs_form_err {
	VS_FORM_OK = 0,
	VS_FORM_UNKNOWN,  /* a key that is not a declared field */
	VS_FORM_MISSING,  /* a required field is absent */
	VS_FORM_TYPE,     /* wrong JSON type (or null where not nullable) */
	VS_FORM_RANGE,    /* number or length out of bounds, or off-step */
	VS_FORM_FORMAT,   /* a string that must be a date-time is not one */
};

/*
 * Checks every member of the object root against aField[0..nField-1] and
 * fills aValue (same indices). Strings must not contain control characters
 * other than \n, \r and \t. On failure returns the first error in document
 * order (unknown keys first), sets *pzField to the field or key at fault
 * (pointing into aField or the tree) and writes a sentence for people into
 * zMsg (at most nMsg bytes, NUL-terminated).
 */
enum vs_form_err vs_form_validate(const cJSON *root, const struct vs_field *aField,
				  size_t nField, struct vs_value *aValue,
				  const char **pzField, char *zMsg, size_t nMsg);

#endif
