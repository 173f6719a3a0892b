//! LOLWUT, as Redis 7.0.15 draws it (`lolwut.c`, `lolwut5.c`, `lolwut6.c`): without
//! `VERSION` (or with one of 7 and up) the version line; `VERSION 5` Georg Nees's
//! "Schotter" in Braille characters; `VERSION 6` a city skyline in terminal colours.
//! Both drawings are random in Redis too (its `rand()`); here the randomness comes
//! from a generator seeded by the clock, with Redis's arithmetic around it.

use bytes::Bytes;

use super::connection::REDIS_VERSION;
use super::flags::*;
use super::{acl, spec, CommandSpec, Ctx};
use crate::args::{is_keyword, parse_i64, Args};
use crate::error::CommandError;
use crate::reply::Reply;

/// A canvas of pixels, each a colour number.
struct Canvas {
    width: i32,
    height: i32,
    pixels: Vec<u8>,
}

impl Canvas {
    fn new(width: i32, height: i32, background: u8) -> Canvas {
        let size = usize::try_from(width * height).unwrap_or(0);
        Canvas {
            width,
            height,
            pixels: vec![background; size],
        }
    }

    fn index(&self, x: i32, y: i32) -> Option<usize> {
        let inside = (0..self.width).contains(&x) && (0..self.height).contains(&y);
        inside.then(|| (x + y * self.width) as usize)
    }

    fn draw(&mut self, x: i32, y: i32, color: u8) {
        if let Some(at) = self.index(x, y) {
            self.pixels[at] = color;
        }
    }

    fn get(&self, x: i32, y: i32) -> u8 {
        self.index(x, y).map_or(0, |at| self.pixels[at])
    }

    /// Bresenham's line, as `lwDrawLine`.
    fn line(&mut self, (mut x1, mut y1): (i32, i32), (x2, y2): (i32, i32), color: u8) {
        let (dx, dy) = ((x2 - x1).abs(), (y2 - y1).abs());
        let (sx, sy) = (if x1 < x2 { 1 } else { -1 }, if y1 < y2 { 1 } else { -1 });
        let mut err = dx - dy;
        loop {
            self.draw(x1, y1, color);
            if x1 == x2 && y1 == y2 {
                break;
            }
            let e2 = err * 2;
            if e2 > -dy {
                err -= dy;
                x1 += sx;
            }
            if e2 < dx {
                err += dx;
                y1 += sy;
            }
        }
    }

    /// A square of side `size` centred on `x`, `y`, turned by `angle` (`lwDrawSquare`).
    fn square(&mut self, (x, y): (i32, i32), size: f32, angle: f32, color: u8) {
        // Redis divides by 1.4142135623, which is √2 as a float.
        let size = (size / std::f32::consts::SQRT_2).round();
        let mut k = std::f32::consts::FRAC_PI_4 + angle;
        let mut corners = [(0, 0); 4];
        for corner in &mut corners {
            *corner = (
                (k.sin() * size + x as f32).round() as i32,
                (k.cos() * size + y as f32).round() as i32,
            );
            k += std::f32::consts::FRAC_PI_2;
        }
        for j in 0..4 {
            self.line(corners[j], corners[(j + 1) % 4], color);
        }
    }
}

/// C's `rand()`: 0 to `RAND_MAX` (2^31 - 1).
struct Rand(crate::rng::Rng);

const RAND_MAX: i32 = i32::MAX;

impl Rand {
    fn seeded() -> Rand {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos() as u64);
        Rand(crate::rng::Rng::new(nanos ^ u64::from(std::process::id())))
    }

    fn next(&mut self) -> i32 {
        (self.0.next_u64() >> 33) as i32
    }
}

/// Redis's `lwDrawSchotter`.
fn schotter(columns: i32, per_row: i32, per_column: i32, rand: &mut Rand) -> Canvas {
    let width = columns * 2;
    let padding = if width > 4 { 2 } else { 0 };
    let side = (width - padding * 2) as f32 / per_row as f32;
    let height = (side * per_column as f32 + (padding * 2) as f32) as i32;
    let mut canvas = Canvas::new(width, height, 0);
    for y in 0..per_column {
        for x in 0..per_row {
            let mut sx = (x as f32 * side + side / 2.0 + padding as f32) as i32;
            let mut sy = (y as f32 * side + side / 2.0 + padding as f32) as i32;
            let mut angle = 0.0;
            if y > 1 {
                let mut shift =
                    || rand.next() as f32 / RAND_MAX as f32 / per_column as f32 * y as f32;
                let (mut r1, mut r2, mut r3) = (shift(), shift(), shift());
                for r in [&mut r1, &mut r2, &mut r3] {
                    if rand.next() % 2 == 1 {
                        *r = -*r;
                    }
                }
                angle = r1;
                sx = (sx as f32 + r2 * side / 3.0) as i32;
                sy = (sy as f32 + r3 * side / 3.0) as i32;
            }
            canvas.square((sx, sy), side, angle, 1);
        }
    }
    canvas
}

/// Each pixel of a 2×4 cell (x, y offsets) and its bit in the Braille pattern.
const BRAILLE_DOTS: [(i32, i32, u32); 8] = [
    (0, 0, 0),
    (0, 1, 1),
    (0, 2, 2),
    (1, 0, 3),
    (1, 1, 4),
    (1, 2, 5),
    (0, 3, 6),
    (1, 3, 7),
];

/// Redis's Braille rendering of a canvas: 2×4 pixels a character.
fn render_braille(canvas: &Canvas) -> Vec<u8> {
    let mut text = Vec::new();
    for y in (0..canvas.height).step_by(4) {
        for x in (0..canvas.width).step_by(2) {
            let byte = BRAILLE_DOTS
                .iter()
                .filter(|&&(dx, dy, _)| canvas.get(x + dx, y + dy) != 0)
                .fold(0u32, |byte, &(_, _, bit)| byte | 1 << bit);
            let glyph = char::from_u32(0x2800 + byte).expect("a Braille pattern");
            let mut buffer = [0; 4];
            text.extend_from_slice(glyph.encode_utf8(&mut buffer).as_bytes());
        }
        if y != canvas.height - 1 {
            text.push(b'\n');
        }
    }
    text
}

/// One building of the skyline (Redis's `struct skyscraper`).
struct Skyscraper {
    offset: i32,
    width: i32,
    height: i32,
    windows: bool,
    color: u8,
}

/// Redis's `generateSkyscraper`.
fn skyscraper(canvas: &mut Canvas, building: &Skyscraper, rand: &mut Rand) {
    let start_y = canvas.height - 1;
    let end_y = start_y - building.height + 1;
    let left = building.offset;
    let right = building.offset + building.width;
    for y in (end_y..=start_y).rev() {
        for x in left..right {
            // The roof is four pixels narrower.
            if y == end_y && (x <= left + 1 || x >= right - 2) {
                continue;
            }
            let mut color = building.color;
            if building.windows && x > left + 1 && x < right - 2 && y > end_y + 1 && y < start_y - 1
            {
                let (relx, rely) = (x - (left + 1), y - (end_y + 1));
                if relx / 2 % 2 != 0 && rely % 2 != 0 {
                    loop {
                        color = (1 + rand.next() % 2) as u8;
                        if color != building.color {
                            break;
                        }
                    }
                    if relx % 2 != 0 {
                        color = canvas.get(x - 1, y);
                    }
                }
            }
            canvas.draw(x, y, color);
        }
    }
}

/// Redis's `generateSkyline`: two rows of grey buildings, then black ones with lit
/// windows.
fn skyline(canvas: &mut Canvas, rand: &mut Rand) {
    let height = canvas.height;
    for color in [2u8, 1] {
        let mut offset = -10;
        while offset < canvas.width {
            offset += rand.next() % 8;
            let width = 10 + rand.next() % 9;
            let tall = match color {
                2 => height / 2 + rand.next() % height / 2,
                _ => height / 2 + rand.next() % height / 3,
            };
            let building = Skyscraper {
                offset,
                width,
                height: tall,
                windows: false,
                color,
            };
            skyscraper(canvas, &building, rand);
            offset += if color == 2 { width / 2 } else { width + 1 };
        }
    }
    let mut offset = -10;
    while offset < canvas.width {
        offset += rand.next() % 8;
        let mut width = 5 + rand.next() % 14;
        if width % 4 != 0 {
            width += width % 3;
        }
        let building = Skyscraper {
            offset,
            width,
            height: height / 3 + rand.next() % height / 2,
            windows: true,
            color: 0,
        };
        skyscraper(canvas, &building, rand);
        offset += width + 5;
    }
}

/// Redis's colour rendering: each pixel a space with both colours set.
fn render_colors(canvas: &Canvas) -> Vec<u8> {
    let mut text = Vec::new();
    for y in 0..canvas.height {
        for x in 0..canvas.width {
            let escape = match canvas.get(x, y) {
                1 => "0;90;100m",
                2 => "0;37;47m",
                3 => "0;97;107m",
                _ => "0;30;40m",
            };
            text.extend_from_slice(format!("\x1b[{escape} \x1b[0m").as_bytes());
        }
        if y != canvas.height - 1 {
            text.push(b'\n');
        }
    }
    text
}

/// The numbers after the version, each clamped to `limits`, with their defaults.
fn numbers<const N: usize>(
    args: &[Bytes],
    defaults: [i64; N],
    limits: [(i64, i64); N],
) -> Result<[i32; N], CommandError> {
    let mut values = defaults;
    for (value, arg) in values.iter_mut().zip(args) {
        *value = parse_i64(arg)?;
    }
    Ok(std::array::from_fn(|at| {
        values[at].clamp(limits[at].0, limits[at].1) as i32
    }))
}

fn lolwut(_ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let mut rest = args.rest();
    // `VERSION n` picks the drawing, as Redis picks it from the text "n.0.0".
    let mut version = None;
    if rest.len() >= 2 && is_keyword(&rest[0], "VERSION") {
        let asked = parse_i64(&rest[1])?;
        version = Some(format!("{}.0.0", asked as u32));
        rest = &rest[2..];
    }
    let version = version.unwrap_or_else(|| REDIS_VERSION.to_string());
    let text = version.as_bytes();
    let is = |major: u8| text.len() > 2 && text[0] == major && text[1] == b'.';
    let mut rand = Rand::seeded();
    let mut out = if (is(b'5') && text[2] != b'9') || (is(b'4') && text[2] == b'9') {
        let limits = [(1, 1000), (1, 200), (1, 200)];
        let [columns, per_row, per_column] = numbers(rest, [66, 8, 12], limits)?;
        let mut art = render_braille(&schotter(columns, per_row, per_column, &mut rand));
        art.extend_from_slice(b"\nGeorg Nees - schotter, plotter on paper, 1968. ");
        art
    } else if (is(b'6') && text[2] != b'9') || (is(b'5') && text[2] == b'9') {
        let [columns, rows] = numbers(rest, [80, 20], [(1, 1000), (1, 1000)])?;
        let mut canvas = Canvas::new(columns, rows, 3);
        skyline(&mut canvas, &mut rand);
        let mut art = render_colors(&canvas);
        art.extend_from_slice(
            b"\nDedicated to the 8 bit game developers of past and present.\n\
              Original 8 bit image from Plaguemon by hikikomori. ",
        );
        art
    } else {
        Vec::new()
    };
    out.extend_from_slice(format!("Redis ver. {REDIS_VERSION}\n").as_bytes());
    Ok(Reply::Verbatim(*b"txt", Bytes::from(out)))
}

/// The LOLWUT command.
pub static COMMANDS: &[CommandSpec] = &[spec!(
    "lolwut",
    -1,
    READONLY | FAST,
    (0, 0, 0),
    acl::READ | acl::FAST,
    lolwut
)];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_two_rows_of_schotter_are_straight_squares() {
        let canvas = schotter(4, 2, 2, &mut Rand::seeded());
        // 8 pixels wide, padding 2, squares of side 2 centred at (3, 3), (5, 3),
        // (3, 5) and (5, 5): each drawn as the 3×3 ring around its centre.
        assert_eq!((canvas.width, canvas.height), (8, 8));
        for (x, y) in [(2, 2), (4, 2), (6, 2), (2, 4), (6, 6), (4, 6)] {
            assert_eq!(canvas.get(x, y), 1, "({x}, {y})");
        }
        for (x, y) in [(3, 3), (5, 5), (0, 0), (7, 7)] {
            assert_eq!(canvas.get(x, y), 0, "({x}, {y})");
        }
    }

    #[test]
    fn braille_characters_hold_two_by_four_pixels() {
        let mut canvas = Canvas::new(4, 4, 0);
        for y in 0..4 {
            canvas.draw(0, y, 1);
            canvas.draw(1, y, 1);
        }
        canvas.draw(2, 0, 1);
        assert_eq!(String::from_utf8(render_braille(&canvas)).unwrap(), "⣿⠁\n");
    }

    #[test]
    fn every_skyline_pixel_has_one_of_the_four_colours() {
        let mut canvas = Canvas::new(80, 20, 3);
        skyline(&mut canvas, &mut Rand::seeded());
        assert!(canvas.pixels.iter().all(|&color| color <= 3));
        assert!(canvas.pixels.contains(&0), "a foreground building");
    }
}
