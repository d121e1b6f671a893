package io.sdfleet.local.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's contact sheet: a grid of the pictures, scaled up, each with its caption underneath. */
class ContactSheetTest {

    @Test
    void everyPictureIsOnTheSheetScaledWithItsCaptionBelow(@TempDir Path dir) throws Exception {
        int[] colours = {0xd72323, 0x2850d7, 0x23a03c, 0xf5e128, 0x873795};
        List<ContactSheet.Entry> entries = java.util.stream.IntStream.range(0, colours.length)
                .mapToObj(i -> new ContactSheet.Entry(flat(64, colours[i]), "prompt number " + i
                        + " which is long enough to need a second line under its picture", "ddim, seed " + i))
                .toList();

        ContactSheet.Result result = ContactSheet.write(entries, dir.resolve("sub").resolve(ContactSheet.FILE_NAME));

        BufferedImage sheet = ImageIO.read(result.file().toFile());
        int columns = ContactSheet.COLUMNS;
        assertEquals(ContactSheet.GAP + columns * (ContactSheet.CELL + ContactSheet.GAP), sheet.getWidth());
        int rowHeight = (sheet.getHeight() - ContactSheet.GAP) / 2; // five pictures: two rows
        for (int i = 0; i < colours.length; i++) {
            int x = ContactSheet.GAP + (i % columns) * (ContactSheet.CELL + ContactSheet.GAP);
            int y = ContactSheet.GAP + (i / columns) * rowHeight;
            assertEquals(colours[i], sheet.getRGB(x + ContactSheet.CELL / 2, y + ContactSheet.CELL / 2) & 0xffffff,
                    "picture " + i + " at its cell");
            assertEquals(colours[i], sheet.getRGB(x + ContactSheet.CELL - 2, y + ContactSheet.CELL - 2) & 0xffffff,
                    "picture " + i + " scaled to the whole cell");
            if (result.captioned()) {
                assertTrue(inkBelow(sheet, x, y + ContactSheet.CELL, rowHeight - ContactSheet.CELL - ContactSheet.GAP)
                        > 50, "caption of picture " + i);
            }
        }
        int lastCell = 2 * columns - 1; // five pictures in two rows of four: cells 5 to 7 are empty
        assertEquals(0xffffff & ContactSheet.PAPER.getRGB(), sheet.getRGB(
                ContactSheet.GAP + (lastCell % columns) * (ContactSheet.CELL + ContactSheet.GAP) + ContactSheet.CELL / 2,
                ContactSheet.GAP + rowHeight + ContactSheet.CELL / 2) & 0xffffff, "the empty eighth cell stays paper");
    }

    @Test
    void anEmptySheetIsRefused(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class, () -> ContactSheet.write(List.of(), dir.resolve("x.png")));
    }

    private static BufferedImage flat(int side, int rgb) {
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    /** Pixels darker than the paper in the caption band under a cell. */
    private static int inkBelow(BufferedImage sheet, int x, int y, int height) {
        int ink = 0;
        for (int yy = y; yy < y + height && yy < sheet.getHeight(); yy++) {
            for (int xx = x; xx < x + ContactSheet.CELL; xx++) {
                int v = sheet.getRGB(xx, yy) & 0xff;
                ink += v < 160 ? 1 : 0;
            }
        }
        return ink;
    }
}
