/* bd-page.c: the pages' common base (bd-page.h). */
#include "config.h"

#include "bd-page.h"

typedef struct {
  BdDeskContext *context;
  GCancellable *cancellable;
} BdPagePrivate;

G_DEFINE_TYPE_WITH_PRIVATE (BdPage, bd_page, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
bd_page_dispose (GObject *object)
{
  BdPagePrivate *priv = bd_page_get_instance_private (BD_PAGE (object));

  g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  g_clear_object (&priv->context);
  G_OBJECT_CLASS (bd_page_parent_class)->dispose (object);
}

static void
bd_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  BdPagePrivate *priv = bd_page_get_instance_private (BD_PAGE (object));

  switch (prop_id)
    {
    case PROP_CONTEXT:
      priv->context = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bd_page_class_init (BdPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bd_page_dispose;
  object_class->set_property = bd_page_set_property;
  properties[PROP_CONTEXT] = g_param_spec_object ("context", NULL, NULL, BD_TYPE_DESK_CONTEXT,
                                                  G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY |
                                                  G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bd_page_init (BdPage *self)
{
  BdPagePrivate *priv = bd_page_get_instance_private (self);

  priv->cancellable = g_cancellable_new ();
}

BdDeskContext *
bd_page_get_context (BdPage *self)
{
  BdPagePrivate *priv = bd_page_get_instance_private (self);

  return priv->context;
}

GCancellable *
bd_page_get_cancellable (BdPage *self)
{
  BdPagePrivate *priv = bd_page_get_instance_private (self);

  return priv->cancellable;
}
