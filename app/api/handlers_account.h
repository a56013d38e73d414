/*
 * handlers_account.h — a partner adding clients, onboarding and reset links,
 * settings and password changes (see routes.c for the table).
 */
#ifndef VSESSION_HANDLERS_ACCOUNT_H
#define VSESSION_HANDLERS_ACCOUNT_H

#include "http.h"

void vs_h_client_add(struct vs_ctx *ctx);
void vs_h_set_password(struct vs_ctx *ctx);
void vs_h_password_reset(struct vs_ctx *ctx);
void vs_h_password_change(struct vs_ctx *ctx);
void vs_h_my_settings_get(struct vs_ctx *ctx);
void vs_h_my_settings_put(struct vs_ctx *ctx);
void vs_h_practice_settings_get(struct vs_ctx *ctx);
void vs_h_practice_settings_put(struct vs_ctx *ctx);

#endif
