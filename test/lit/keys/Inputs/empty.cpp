// A source with no module class.
int main() { return 0; }
