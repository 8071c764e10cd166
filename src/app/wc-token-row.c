/* wc-token-row.c: a row of the authenticator list. The page drives it
 * once a second through wc_token_row_update(); the row recomputes a TOTP
 * code only when its time step changes and touches a label only when
 * its text changes, so an idle list costs next to nothing. */
#include "wc-token-row.h"
#include "wc-ui-util.h"
#include "wc-secret.h"

#include <glib/gi18n-lib.h>
#include <string.h>

struct _WcTokenRow
{
  AdwActionRow parent_instance;

  GtkImage *warning_icon;
  GtkBox *code_box;
  GtkLabel *code_label;
  GtkLabel *countdown_label;
  GtkButton *next_button;
  GtkSpinner *spinner;
  GtkMenuButton *menu_button;

  WcToken *token;
  char *code;                 /* digits, wiped when replaced */
  char *code_description;     /* the accessible label of the code */
  char *countdown_description;
  guint64 step;
  guint seconds_left;
  gboolean busy;
};

G_DEFINE_FINAL_TYPE (WcTokenRow, wc_token_row, ADW_TYPE_ACTION_ROW)

#define LOW_SECONDS 5

char *
wc_token_row_group_code (const char *code)
{
  gsize len;
  gsize head;

  g_return_val_if_fail (code != NULL, NULL);

  len = strlen (code);
  if (len < 6)
    return g_strdup (code);
  /* 6 → 3+3, 7 → 3+4, 8 → 4+4: the way codes are printed on devices. */
  head = len == 8 ? 4 : 3;
  return g_strdup_printf ("%.*s %s", (int) head, code, code + head);
}

static const char *
display_name (WcTokenRow *self)
{
  const char *issuer = wc_token_get_issuer (self->token);
  const char *account = wc_token_get_account (self->token);

  if (!wc_token_is_readable (self->token))
    return wc_token_get_label (self->token);
  if (issuer != NULL && *issuer != '\0' && account != NULL && *account != '\0')
    return NULL;   /* both: the caller joins them */
  if (issuer != NULL && *issuer != '\0')
    return issuer;
  return account != NULL ? account : "";
}

static void
set_code (WcTokenRow *self,
          const char *code)
{
  g_autofree char *grouped = NULL;
  g_autofree char *name = NULL;
  const char *single = display_name (self);

  if (g_strcmp0 (self->code, code) == 0 && self->code_description != NULL)
    return;
  g_clear_pointer (&self->code, wc_secure_str_free);
  self->code = g_strdup (code);

  name = single != NULL
         ? g_strdup (single)
         : g_strdup_printf ("%s %s", wc_token_get_issuer (self->token), wc_token_get_account (self->token));

  g_clear_pointer (&self->code_description, wc_secure_str_free);
  if (code != NULL)
    {
      grouped = wc_token_row_group_code (code);
      gtk_label_set_label (self->code_label, grouped);
      gtk_widget_remove_css_class (GTK_WIDGET (self->code_label), "dim-label");
      /* Translators: read by a screen reader: the code, then the token's
       * issuer and account, e.g. "Code 123 456 for ACME alice". */
      self->code_description = g_strdup_printf (_("Code %s for %s"), grouped, name);
      wc_secure_str_free (g_steal_pointer (&grouped));
    }
  else
    {
      gtk_label_set_label (self->code_label, "––– –––");
      gtk_widget_add_css_class (GTK_WIDGET (self->code_label), "dim-label");
      /* Translators: read by a screen reader for an HOTP token that has
       * not made a code yet. */
      self->code_description = g_strdup_printf (_("No code yet for %s"), name);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->code_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->code_description,
                                  -1);
}

static void
set_seconds_left (WcTokenRow *self,
                  guint       seconds_left)
{
  g_autofree char *text = NULL;

  if (self->seconds_left == seconds_left && self->countdown_description != NULL)
    return;
  self->seconds_left = seconds_left;

  /* Translators: a short countdown next to a code, in seconds. */
  text = g_strdup_printf (_("%u s"), seconds_left);
  gtk_label_set_label (self->countdown_label, text);
  g_free (self->countdown_description);
  self->countdown_description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u second left",
                                                           "%u seconds left",
                                                           seconds_left),
                                                 seconds_left);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->countdown_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->countdown_description,
                                  -1);
  if (seconds_left <= LOW_SECONDS)
    gtk_widget_add_css_class (GTK_WIDGET (self->countdown_label), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->countdown_label), "warning");
}

void
wc_token_row_update (WcTokenRow *self,
                     gint64      unix_time)
{
  g_autoptr(GError) error = NULL;
  guint period;
  guint64 step;
  char *code;

  g_return_if_fail (WC_IS_TOKEN_ROW (self));

  if (!wc_token_is_readable (self->token)
      || wc_token_get_otp_type (self->token) != WC_OTP_TYPE_TOTP
      || unix_time < 0)
    return;

  period = MAX (wc_token_get_period (self->token), 1);
  step = (guint64) unix_time / period;
  if (step != self->step || self->code == NULL)
    {
      code = wc_token_dup_code (self->token, unix_time, 0, &error);
      if (code == NULL)
        {
          g_debug ("cannot make a code: %s", error->message);
          return;
        }
      self->step = step;
      set_code (self, code);
      wc_secure_str_free (code);
    }
  set_seconds_left (self, wc_token_get_seconds_left (self->token, unix_time));
}

const char *
wc_token_row_get_code (WcTokenRow *self)
{
  g_return_val_if_fail (WC_IS_TOKEN_ROW (self), NULL);
  return self->code;
}

void
wc_token_row_set_hotp_code (WcTokenRow *self,
                            const char *code)
{
  g_return_if_fail (WC_IS_TOKEN_ROW (self));
  set_code (self, code);
}

void
wc_token_row_set_busy (WcTokenRow *self,
                       gboolean    busy)
{
  g_return_if_fail (WC_IS_TOKEN_ROW (self));

  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->menu_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), !busy);
}

const char *
wc_token_row_get_code_description (WcTokenRow *self)
{
  g_return_val_if_fail (WC_IS_TOKEN_ROW (self), NULL);
  return self->code_description;
}

const char *
wc_token_row_get_countdown_description (WcTokenRow *self)
{
  g_return_val_if_fail (WC_IS_TOKEN_ROW (self), NULL);
  return self->countdown_description;
}

WcToken *
wc_token_row_get_token (WcTokenRow *self)
{
  g_return_val_if_fail (WC_IS_TOKEN_ROW (self), NULL);
  return self->token;
}

const char *
wc_token_row_get_uuid (WcTokenRow *self)
{
  g_return_val_if_fail (WC_IS_TOKEN_ROW (self), NULL);
  return wc_token_get_uuid (self->token);
}

static void
add_menu_item (GMenu      *menu,
               const char *label,
               const char *action,
               const char *uuid)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, action, g_variant_new_string (uuid));
  g_menu_append_item (menu, item);
}

static void
setup (WcTokenRow *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) danger = g_menu_new ();
  g_autofree char *both = NULL;
  const char *uuid = wc_token_get_uuid (self->token);
  const char *single = display_name (self);
  gboolean readable = wc_token_is_readable (self->token);
  gboolean hotp = readable && wc_token_get_otp_type (self->token) == WC_OTP_TYPE_HOTP;

  if (!readable)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), single);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self), wc_token_get_problem (self->token));
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self), 0);
      gtk_widget_set_visible (GTK_WIDGET (self->warning_icon), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->code_box), FALSE);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), FALSE);
    }
  else
    {
      if (single == NULL)
        {
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), wc_token_get_issuer (self->token));
          adw_action_row_set_subtitle (ADW_ACTION_ROW (self), wc_token_get_account (self->token));
        }
      else
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), single);

      /* Activating the row (a click, Enter) copies its code. */
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self), "tokens.copy");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self), g_variant_new_string (uuid));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), TRUE);
      /* Translators: tooltip of a token row. */
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), _("Click to copy the code"));

      if (hotp)
        {
          gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), FALSE);
          gtk_widget_set_visible (GTK_WIDGET (self->next_button), TRUE);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (self->next_button), "tokens.next-code");
          gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->next_button),
                                                  g_variant_new_string (uuid));
        }
      set_code (self, NULL);

      add_menu_item (menu, _("_Copy Code"), "tokens.copy", uuid);
      add_menu_item (menu, _("Show as _QR Code"), "tokens.show-qr", uuid);
      add_menu_item (menu, _("_Rename…"), "tokens.rename", uuid);
    }
  add_menu_item (danger, _("R_emove…"), "tokens.remove", uuid);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (danger));
  gtk_menu_button_set_menu_model (self->menu_button, G_MENU_MODEL (menu));

  /* Translators: the accessible label of a token's menu button. */
  both = g_strdup_printf (_("Actions for %s"), single != NULL ? single : wc_token_get_label (self->token));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->menu_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, both,
                                  -1);
}

static void
wc_token_row_finalize (GObject *object)
{
  WcTokenRow *self = WC_TOKEN_ROW (object);

  g_clear_object (&self->token);
  g_clear_pointer (&self->code, wc_secure_str_free);
  g_clear_pointer (&self->code_description, wc_secure_str_free);
  g_clear_pointer (&self->countdown_description, g_free);

  G_OBJECT_CLASS (wc_token_row_parent_class)->finalize (object);
}

static void
wc_token_row_class_init (WcTokenRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = wc_token_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/wclogin/WebCollectLogin/wc-token-row.ui");
  gtk_widget_class_bind_template_child (widget_class, WcTokenRow, warning_icon);
  gtk_widget_class_bind_template_child (widget_class, WcTokenRow, code_box);
  gtk_widget_class_bind_template_child (widget_class, WcTokenRow, code_label);
  gtk_widget_class_bind_template_child (widget_class, WcTokenRow, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, WcTokenRow, next_button);
  gtk_widget_class_bind_template_child (widget_class, WcTokenRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, WcTokenRow, menu_button);
}

static void
wc_token_row_init (WcTokenRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  wc_ui_name_controls (GTK_WIDGET (self));
  self->step = G_MAXUINT64;
  self->seconds_left = G_MAXUINT;
}

WcTokenRow *
wc_token_row_new (WcToken *token)
{
  WcTokenRow *self;

  g_return_val_if_fail (WC_IS_TOKEN (token), NULL);

  self = g_object_new (WC_TYPE_TOKEN_ROW, NULL);
  self->token = g_object_ref (token);
  setup (self);
  return self;
}
