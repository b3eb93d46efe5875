// A slice of a video-sharing application's data model, the kind of schema real
// applications have: a user's videos paged from a start point, a static column updated
// alone, comments found through an index on a clustering column, and a video taken out
// of a playlist. Run it with `scripts/db up && cargo run -p orm-examples --example videos`.

use orm_core::Tuple;
use orm_core::prelude::*;
use uuid::Uuid;

mod support;

/// A user's videos, newest first: one partition per user. The user's display name is
/// stored once per partition (a static column).
#[derive(Model, Debug, Clone)]
#[orm(table = "vid_user_videos")]
struct UserVideo {
    #[orm(partition_key)]
    user_id: Uuid,
    #[orm(clustering_key, order = "desc")]
    added_at: i64,
    #[orm(clustering_key)]
    video_id: Uuid,
    #[orm(static)]
    user_name: Option<String>,
    title: Option<String>,
}

/// The comments of a video, in one partition; the index on `comment_id` (a clustering
/// column) finds a comment by its id alone.
#[derive(Model, Debug, Clone)]
#[orm(table = "vid_comments")]
struct VideoComment {
    #[orm(partition_key)]
    video_id: Uuid,
    #[orm(clustering_key, index)]
    comment_id: Uuid,
    body: String,
}

/// The replies to a comment; each reads its comment through that index.
#[derive(Model, Debug, Clone)]
#[orm(table = "vid_replies")]
#[belongs_to(VideoComment, foreign_key = "comment_id", owner_key = "comment_id")]
struct Reply {
    #[orm(partition_key)]
    comment_id: Uuid,
    #[orm(clustering_key)]
    reply_id: Uuid,
    body: String,
}

/// A playlist, whose videos are found through the index on `Video::playlist_id`.
#[derive(Model, Debug, Clone)]
#[orm(table = "vid_playlists")]
#[has_many(Video, foreign_key = "playlist_id")]
struct Playlist {
    #[orm(partition_key)]
    id: Uuid,
    name: String,
}

/// A video, in at most one playlist.
#[derive(Model, Debug, Clone)]
#[orm(table = "vid_videos")]
#[belongs_to(Playlist, foreign_key = "playlist_id")]
struct Video {
    #[orm(partition_key)]
    id: Uuid,
    title: String,
    #[orm(index)]
    playlist_id: Option<Uuid>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let db = support::connect("videos_example").await?;
    UserVideo::create_table(&db).await?;
    VideoComment::create_table(&db).await?;
    Reply::create_table(&db).await?;
    Playlist::create_table(&db).await?;
    Video::create_table(&db).await?;

    // Five videos of one user, then pages of two, each starting after the last row seen:
    // `(added_at, video_id) < (?, ?)` within the user's partition.
    let user_id = Uuid::new_v4();
    for added_at in 1..=5 {
        let row = UserVideo {
            user_id,
            added_at,
            video_id: Uuid::new_v4(),
            user_name: None,
            title: Some(format!("video {added_at}")),
        };
        row.insert(&db).await?;
    }
    let mut pages = Vec::new();
    let mut after: Option<(i64, Uuid)> = None;
    loop {
        let mut query = UserVideo::query()
            .filter(UserVideo::USER_ID.eq(user_id))
            .limit(2);
        if let Some(start) = after {
            query = query.filter(Tuple::of((UserVideo::ADDED_AT, UserVideo::VIDEO_ID)).lt(start));
        }
        let page = query.get(&db).await?;
        let Some(last) = page.last() else { break };
        after = Some((last.added_at, last.video_id));
        pages.push(page.iter().map(|v| v.added_at).collect::<Vec<_>>());
    }
    println!("pages from a start point: {pages:?}");
    if pages != [vec![5, 4], vec![3, 2], vec![1]] {
        return Err(format!("unexpected pages {pages:?}").into());
    }

    // The static column, by partition key alone: one write for the whole partition.
    UserVideo::update_partition(&user_id)
        .set(UserVideo::USER_NAME, Some("Ada".to_owned()))
        .execute(&db)
        .await?;
    let names: Vec<Option<String>> = UserVideo::query()
        .filter(UserVideo::USER_ID.eq(user_id))
        .get(&db)
        .await?
        .into_iter()
        .map(|v| v.user_name)
        .collect();
    println!("the static name as every row reads it: {names:?}");
    if names.iter().any(|name| name.as_deref() != Some("Ada")) {
        return Err("the static column was not shared by the partition".into());
    }

    // A reply reads its comment through the index on the comment's clustering column.
    let comment = VideoComment {
        video_id: Uuid::new_v4(),
        comment_id: Uuid::new_v4(),
        body: "Lovely".into(),
    };
    comment.insert(&db).await?;
    let reply = Reply {
        comment_id: comment.comment_id,
        reply_id: Uuid::new_v4(),
        body: "Thanks".into(),
    };
    reply.insert(&db).await?;
    let replied_to = reply.video_comment_relation().get(&db).await?;
    println!(
        "the reply answers: {:?}",
        replied_to.as_ref().map(|c| &c.body)
    );
    if replied_to.map(|c| c.comment_id) != Some(comment.comment_id) {
        return Err("the reply did not find its comment".into());
    }

    // Taking a video out of its playlist stores the cleared key at once.
    let playlist = Playlist {
        id: Uuid::new_v4(),
        name: "Favourites".into(),
    };
    playlist.insert(&db).await?;
    let mut video = Video {
        id: Uuid::new_v4(),
        title: "Intro".into(),
        playlist_id: Some(playlist.id),
    };
    video.insert(&db).await?;
    let before = playlist.videos_relation().get(&db).await?.len();
    video.dissociate_playlist(&db).await?;
    let after = playlist.videos_relation().get(&db).await?.len();
    let stored = Video::find(&db, &video.id)
        .await?
        .ok_or("the video is missing")?;
    println!(
        "playlist videos before {before}, after {after}; stored playlist_id {:?}",
        stored.playlist_id
    );
    if (before, after, stored.playlist_id) != (1, 0, None) {
        return Err("the dissociated video still belongs to the playlist".into());
    }
    Ok(())
}
