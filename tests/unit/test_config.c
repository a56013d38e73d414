/*
 * test_config.c — configuration rules checked at start (lib/config.c).
 *
 * Proves: a self-hosted Jitsi secret follows the same rule the token signer
 * applies (at least VS_TOKEN_MIN_SECRET bytes), so a secret that would make
 * every join fail stops the server at start with one line naming it; the
 * scheduling horizon has a default, a range and a one-line refusal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsession/config.h"
#include "vsession/token.h"
#include "unit.h"

static void base_env(void)
{
	static const char *const azUnset[] = {
		"JITSI_DOMAIN", "JITSI_APP_ID", "JITSI_APP_SECRET", "JITSI_APP_SECRET_FILE", "JITSI_AUDIENCE",
		"JAAS_APP_ID", "JAAS_KEY_ID", "JAAS_PRIVATE_KEY_FILE", "VSESSION_SCHEDULING_HORIZON_DAYS",
		"VSESSION_JWT_SECRET_FILE", NULL,
	};
	for (int k = 0; azUnset[k] != NULL; k++)
		unsetenv(azUnset[k]);
	setenv("VSESSION_DATABASE_URL", "dbname=unused", 1);
	setenv("VSESSION_JWT_SECRET", "0123456789abcdef0123456789abcdef", 1);
}

/* Loads the API configuration; returns the result and leaves the error line in zErr. */
static enum vs_err load(char *zErr, size_t nErr, struct vs_config *cfg)
{
	enum vs_err rc = vs_config_load(cfg, VS_CONFIG_API, zErr, nErr);
	return rc;
}

static void jitsi_secret_follows_the_signing_rule(void)
{
	static const struct { size_t n; bool bOk; } a[] = {
		{ 1, false }, { 16, false }, { 31, false }, { 32, true }, { 64, true },
	};
	for (size_t k = 0; k < sizeof(a) / sizeof(a[0]); k++) {
		char zSecret[80], zErr[256] = "", zWant[128];
		struct vs_config cfg;
		enum vs_err rc;

		base_env();
		memset(zSecret, 's', a[k].n);
		zSecret[a[k].n] = '\0';
		setenv("JITSI_DOMAIN", "meet.example.org", 1);
		setenv("JITSI_APP_ID", "vsession", 1);
		setenv("JITSI_APP_SECRET", zSecret, 1);
		rc = load(zErr, sizeof(zErr), &cfg);
		CHECK_INT(rc, a[k].bOk ? VS_OK : VS_ERR_INVALID);
		if (a[k].bOk) {
			CHECK_INT(cfg.jitsi.eMode, VS_JITSI_SELF_HOSTED);
			CHECK_INT(cfg.jitsi.nSecret, a[k].n);
			/* what start accepts, the signer accepts: a join token can be made */
			{
				struct vs_jitsi_grant g = { "abcdefghijklmnopqrstuvwxyz", "user-1", "Ada", true,
							    1000, 5000, 2000 };
				char *zJwt = NULL;
				CHECK_INT(vs_jitsi_token(&cfg.jitsi, &g, &zJwt), VS_OK);
				free(zJwt);
			}
			vs_config_free(&cfg);
		} else {
			snprintf(zWant, sizeof(zWant), "JITSI_APP_SECRET must be at least %d bytes (got %zu)",
				 VS_TOKEN_MIN_SECRET, a[k].n);
			CHECK_STR(zErr, zWant);
			CHECK(strchr(zErr, '\n') == NULL);
		}
	}
}

static void scheduling_horizon_has_a_default_and_a_range(void)
{
	static const struct { const char *z; enum vs_err rc; int iDays; } a[] = {
		{ NULL, VS_OK, 730 }, { "1", VS_OK, 1 }, { "3650", VS_OK, 3650 },
		{ "0", VS_ERR_INVALID, 0 }, { "3651", VS_ERR_INVALID, 0 }, { "2y", VS_ERR_INVALID, 0 },
	};
	for (size_t k = 0; k < sizeof(a) / sizeof(a[0]); k++) {
		char zErr[256] = "";
		struct vs_config cfg;
		enum vs_err rc;

		base_env();
		if (a[k].z != NULL)
			setenv("VSESSION_SCHEDULING_HORIZON_DAYS", a[k].z, 1);
		rc = load(zErr, sizeof(zErr), &cfg);
		CHECK_INT(rc, a[k].rc);
		if (rc == VS_OK) {
			CHECK_INT(cfg.iHorizonDays, a[k].iDays);
			vs_config_free(&cfg);
		} else {
			CHECK(strstr(zErr, "VSESSION_SCHEDULING_HORIZON_DAYS must be a whole number from 1 to 3650") == zErr);
		}
	}
}

int main(void)
{
	jitsi_secret_follows_the_signing_rule();
	scheduling_horizon_has_a_default_and_a_range();
	return unit_summary("test_config");
}
