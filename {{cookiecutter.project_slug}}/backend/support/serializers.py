"""What the support endpoints read and return. Who wrote a request or a reply always comes from
the signed-in user, never from the body: fields the serializers do not list are ignored."""

from rest_framework import serializers

from accounts.models import User

from .models import Reply, SupportRequest

# Long enough for any message, short enough that nobody stores a novel per request.
MAX_BODY_LENGTH = 10_000


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "name", "email"]
        read_only_fields = fields


class ReplyAuthorSerializer(PersonSerializer):
    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "role"]
        read_only_fields = fields


class SupportRequestSerializer(serializers.ModelSerializer):
    """A request in the list."""

    author = PersonSerializer(read_only=True)
    reply_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = SupportRequest
        fields = ["id", "subject", "status", "author", "created_at", "updated_at", "reply_count"]
        read_only_fields = fields


class ReplySerializer(serializers.ModelSerializer):
    author = ReplyAuthorSerializer(read_only=True)
    body = serializers.CharField(max_length=MAX_BODY_LENGTH)

    class Meta:
        model = Reply
        fields = ["id", "author", "body", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class SupportRequestDetailSerializer(SupportRequestSerializer):
    """One request: the list's fields, its body and its replies, oldest first."""

    replies = ReplySerializer(many=True, read_only=True)

    class Meta(SupportRequestSerializer.Meta):
        fields = [*SupportRequestSerializer.Meta.fields, "body", "replies"]
        read_only_fields = fields


class NewSupportRequestSerializer(serializers.ModelSerializer):
    """A client opens a request: a subject and a body. It starts open, by its author."""

    body = serializers.CharField(max_length=MAX_BODY_LENGTH)

    class Meta:
        model = SupportRequest
        fields = ["subject", "body"]


class StatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupportRequest
        fields = ["status"]
