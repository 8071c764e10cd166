/* wc-clipboard-guard.c: a copied one-time code must not stay on the
 * clipboard for ever. After the delay the clipboard is read back
 * asynchronously and emptied only if it still holds the code, so that
 * whatever the user copied in the meantime is left alone. */
#include "wc-clipboard-guard.h"
#include "wc-secret.h"

#include <string.h>

struct _WcClipboardGuard
{
  GObject parent_instance;

  GdkClipboard *clipboard;
  GdkContentProvider *provider;   /* what we put on the clipboard */
  char *code;                      /* wiped when it is no longer needed */
  guint timeout_id;
  GCancellable *cancellable;       /* of the read-back */
};

G_DEFINE_FINAL_TYPE (WcClipboardGuard, wc_clipboard_guard, G_TYPE_OBJECT)

static void
forget_code (WcClipboardGuard *self)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->provider);
  g_clear_pointer (&self->code, wc_secure_str_free);
}

typedef struct {
  WcClipboardGuard *self;
  char *code;
} ReadBack;

static void
read_back_free (ReadBack *read_back)
{
  g_clear_object (&read_back->self);
  g_clear_pointer (&read_back->code, wc_secure_str_free);
  g_free (read_back);
}

static void
on_text_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ReadBack *read_back = user_data;
  WcClipboardGuard *self = read_back->self;
  g_autoptr(GError) error = NULL;
  char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      read_back_free (read_back);
      return;
    }

  /* An empty or non-text clipboard has nothing of ours to clear. */
  if (text != NULL && g_strcmp0 (text, read_back->code) == 0)
    {
      g_debug ("clearing the copied code from the clipboard");
      gdk_clipboard_set_content (self->clipboard, NULL);
    }
  else
    g_debug ("the clipboard changed since the copy; leaving it alone");

  if (text != NULL)
    wc_secure_str_free (text);
  /* Only the read-back of the latest copy ends the pending state. */
  if (self->code != NULL && g_strcmp0 (self->code, read_back->code) == 0
      && self->timeout_id == 0)
    forget_code (self);
  read_back_free (read_back);
}

static gboolean
on_timeout (gpointer user_data)
{
  WcClipboardGuard *self = user_data;
  ReadBack *read_back = g_new0 (ReadBack, 1);

  self->timeout_id = 0;
  read_back->self = g_object_ref (self);
  read_back->code = g_strdup (self->code);
  gdk_clipboard_read_text_async (self->clipboard, self->cancellable, on_text_read, read_back);
  return G_SOURCE_REMOVE;
}

static void
wc_clipboard_guard_dispose (GObject *object)
{
  WcClipboardGuard *self = WC_CLIPBOARD_GUARD (object);

  /* Going away with a code still on the clipboard: clear it now, if it
   * is still the content we set. */
  if (self->clipboard != NULL && self->provider != NULL
      && gdk_clipboard_get_content (self->clipboard) == self->provider)
    gdk_clipboard_set_content (self->clipboard, NULL);
  forget_code (self);
  g_clear_object (&self->clipboard);

  G_OBJECT_CLASS (wc_clipboard_guard_parent_class)->dispose (object);
}

static void
wc_clipboard_guard_class_init (WcClipboardGuardClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = wc_clipboard_guard_dispose;
}

static void
wc_clipboard_guard_init (WcClipboardGuard *self)
{
}

WcClipboardGuard *
wc_clipboard_guard_new (GdkClipboard *clipboard)
{
  WcClipboardGuard *self;

  g_return_val_if_fail (GDK_IS_CLIPBOARD (clipboard), NULL);

  self = g_object_new (WC_TYPE_CLIPBOARD_GUARD, NULL);
  self->clipboard = g_object_ref (clipboard);
  return self;
}

GdkClipboard *
wc_clipboard_guard_get_clipboard (WcClipboardGuard *self)
{
  g_return_val_if_fail (WC_IS_CLIPBOARD_GUARD (self), NULL);
  return self->clipboard;
}

void
wc_clipboard_guard_copy (WcClipboardGuard *self,
                         const char       *code,
                         guint             clear_after_seconds)
{
  g_return_if_fail (WC_IS_CLIPBOARD_GUARD (self));
  g_return_if_fail (code != NULL);

  forget_code (self);
  self->code = g_strdup (code);
  self->provider = gdk_content_provider_new_typed (G_TYPE_STRING, code);
  gdk_clipboard_set_content (self->clipboard, self->provider);
  if (clear_after_seconds == 0)
    {
      /* Never cleared: nothing to remember. */
      g_clear_pointer (&self->code, wc_secure_str_free);
      return;
    }
  self->cancellable = g_cancellable_new ();
  /* Not g_timeout_add_seconds(): its first run may come early, and the
   * user is promised the full delay. */
  self->timeout_id = g_timeout_add_full (G_PRIORITY_DEFAULT, clear_after_seconds * 1000u,
                                         on_timeout, self, NULL);
}

gboolean
wc_clipboard_guard_is_pending (WcClipboardGuard *self)
{
  g_return_val_if_fail (WC_IS_CLIPBOARD_GUARD (self), FALSE);
  return self->code != NULL;
}
