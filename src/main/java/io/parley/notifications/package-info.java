/**
 * Push notifications to phones with no live session (APNs, FCM, a signed webhook): what the user
 * entity hands over ({@link io.parley.notifications.Notification}, through a {@link
 * io.parley.notifications.NotificationSink}), the node's bounded queue that sends them, and the
 * providers behind one interface ({@link io.parley.notifications.PushProvider}). A layer below the
 * user entity: it knows no entity, and tells the user entity of dead tokens through {@link
 * io.parley.notifications.DeadTokens}, which the node wires.
 */
package io.parley.notifications;
