export default function WallboardPage() {
  return <h1>WallboardPage</h1>;
}
