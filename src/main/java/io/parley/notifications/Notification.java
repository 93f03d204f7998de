package io.parley.notifications;

/**
 * One push to one device of {@code user}: the latest entry ({@code seq}) of {@code conv} after a
 * burst of {@code count} coalesced ones. {@code text} is the preview, or null when the device's
 * user did not allow previews (providers then say "New message"). {@code badge}: the user's total
 * unread. {@code sender}: the entry's author, {@code senderName} their nickname (or id).
 */
public record Notification(
    String user,
    String device,
    Provider provider,
    String token,
    String conv,
    long seq,
    String kind,
    String sender,
    String senderName,
    String text,
    int count,
    long badge,
    long ts) {}
