/*
 * joinhints.c — signed hints in join links (joinhints.h says why).
 *
 * Invariants: a hint has one canonical spelling (decimal numbers without
 * leading zeros, lower-case hex), so the check is a plain recomputation and
 * a constant-time compare; MACs stay on the stack. The server's derived key
 * is kept in one HMAC context for the life of the process (join_url is made
 * for every row of every list); hints are checked with a key derived anew.
 */
#include <stdio.h>
#include <string.h>

#include "vsession/crypto.h"
#include "vsession/json.h"
#include "vsession/joinhints.h"
#include "vsession/loginkeys.h"
#include "vsession/timeutil.h"

#define JOIN_HINT_LABEL "vsession join hint v1"
#define JOIN_HINT_MAC_HEX 32

/* the server's hint key, derived once per process (vs_join_hints_use_secret) */
static struct vs_keyed_mac *pHintMac;

/* "<id>.<exp>" into zBody and its MAC (JOIN_HINT_MAC_HEX hex digits) into zMac. */
static bool hint_parts(const unsigned char *pSecret, size_t nSecret, int64_t iId, int64_t iExpSec,
		       char *zBody, size_t nBody, char zMac[VS_KEYED_HASH_HEX])
{
	int n = snprintf(zBody, nBody, "%lld.%lld", (long long)iId, (long long)iExpSec);

	if (iId <= 0 || iExpSec <= 0 || n < 0 || (size_t)n >= nBody)
		return false;
	vs_keyed_hash_hex(pSecret, nSecret, JOIN_HINT_LABEL, zBody, (size_t)n, zMac);
	return zMac[0] != '\0';
}

bool vs_join_hint_make(const unsigned char *pSecret, size_t nSecret, int64_t iId, int64_t iExpSec,
		       char zOut[VS_JOIN_HINT_MAX])
{
	char zBody[48], zMac[VS_KEYED_HASH_HEX];
	bool bOk = hint_parts(pSecret, nSecret, iId, iExpSec, zBody, sizeof(zBody), zMac);

	zOut[0] = '\0';
	if (bOk)
		snprintf(zOut, VS_JOIN_HINT_MAX, "%s.%.*s", zBody, JOIN_HINT_MAC_HEX, zMac);
	explicit_bzero(zMac, sizeof(zMac));
	return bOk;
}

/* The decimal at z[0..n) without sign or leading zeros, at most 18 digits; -1 otherwise. */
static int64_t canonical_decimal(const char *z, size_t n)
{
	int64_t v = 0;

	if (n == 0 || n > 18 || (z[0] == '0'))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (z[i] < '0' || z[i] > '9')
			return -1;
		v = v * 10 + (z[i] - '0');
	}
	return v;
}

bool vs_join_hint_check(const unsigned char *pSecret, size_t nSecret, const char *z, size_t n,
			int64_t iNowSec, int64_t *piId)
{
	const char *zDot1, *zDot2;
	char zBody[48], zMac[VS_KEYED_HASH_HEX];
	int64_t iId, iExp;
	bool bOk;

	*piId = 0;
	if (z == NULL || n >= VS_JOIN_HINT_MAX || memchr(z, '\0', n) != NULL)
		return false;
	if ((zDot1 = memchr(z, '.', n)) == NULL || (zDot2 = memchr(zDot1 + 1, '.', n - (size_t)(zDot1 + 1 - z))) == NULL)
		return false;
	iId = canonical_decimal(z, (size_t)(zDot1 - z));
	iExp = canonical_decimal(zDot1 + 1, (size_t)(zDot2 - zDot1 - 1));
	if (iId <= 0 || iExp <= 0 || (size_t)(z + n - zDot2 - 1) != JOIN_HINT_MAC_HEX)
		return false;
	if (!hint_parts(pSecret, nSecret, iId, iExp, zBody, sizeof(zBody), zMac))
		return false;
	bOk = vs_ct_equal(zMac, zDot2 + 1, JOIN_HINT_MAC_HEX) && iExp > iNowSec;
	explicit_bzero(zMac, sizeof(zMac));
	if (bOk)
		*piId = iId;
	return bOk;
}

void vs_join_hints_use_secret(const unsigned char *pSecret, size_t nSecret)
{
	vs_keyed_mac_free(pHintMac);
	pHintMac = pSecret != NULL ? vs_keyed_mac_new(pSecret, nSecret, JOIN_HINT_LABEL) : NULL;
}

void vs_join_url(struct vs_buf *b, const char *zPublicUrl, int64_t iId, int64_t iEndUs)
{
	int64_t iExp = iEndUs / VS_US_PER_SEC;
	char zMac[VS_KEYED_HASH_HEX];
	size_t iHint, iBody;

	vs_buf_putc(b, '"');
	vs_buf_puts(b, zPublicUrl);
	vs_buf_puts(b, "/join/");
	vs_buf_put_i64(b, iId);
	if (pHintMac != NULL && iId > 0 && iExp > 0) {
		/* the hint's body is written in place and its MAC taken over those bytes */
		iHint = b->nLen;
		vs_buf_puts(b, "?hint=");
		iBody = b->nLen;
		vs_buf_put_i64(b, iId);
		vs_buf_putc(b, '.');
		vs_buf_put_i64(b, iExp);
		if (b->bFailed)
			return;
		vs_keyed_mac_hex(pHintMac, b->zData + iBody, b->nLen - iBody, zMac);
		if (zMac[0] != '\0') {
			vs_buf_putc(b, '.');
			vs_buf_append(b, zMac, JOIN_HINT_MAC_HEX);
		} else {  /* no MAC, no hint: the bare join page */
			b->nLen = iHint;
			b->zData[iHint] = '\0';
		}
		explicit_bzero(zMac, sizeof(zMac));
	}
	vs_buf_putc(b, '"');
}

/* $1 session */
static struct vs_stmt stHintPreview = VS_STMT("join_hint_preview", 1, true,
	"SELECT s.title, p.name, (extract(epoch FROM s.session_date) * 1000000)::int8"
	" FROM video_sessions s JOIN users p ON p.id = s.partner_id"
	" WHERE s.id = $1 AND s.status <> 'cancelled'");

enum vs_err vs_join_hint_preview(struct vs_db *db, const unsigned char *pSecret, size_t nSecret, int64_t iId,
				 const char *zHint, int64_t iNowUs, struct vs_buf *out)
{
	char zId[24];
	const char *az[1] = { vs_db_param_i64(zId, iId) };
	int64_t iHintId;
	PGresult *r;
	enum vs_err rc;

	if (!vs_join_hint_check(pSecret, nSecret, zHint, strlen(zHint), iNowUs / VS_US_PER_SEC, &iHintId) ||
	    iHintId != iId)
		return VS_ERR_NOT_FOUND;
	if ((rc = vs_db_exec(db, &stHintPreview, az, &r)) != VS_OK)
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return VS_ERR_NOT_FOUND;
	}
	vs_buf_putc(out, '{');
	vs_json_key(out, "title", true);
	vs_json_str(out, PQgetvalue(r, 0, 0));
	vs_buf_puts(out, ",\"partner\":{");
	vs_json_key(out, "name", true);
	vs_json_str(out, PQgetvalue(r, 0, 1));
	vs_buf_puts(out, "},");
	vs_json_key(out, "session_date", true);
	vs_json_time(out, vs_db_i64(r, 0, 2));
	vs_buf_putc(out, '}');
	PQclear(r);
	return VS_OK;
}
